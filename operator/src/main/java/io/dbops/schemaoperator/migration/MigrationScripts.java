package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Patterns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Gathers migration scripts from their sources into one flat staging directory that Flyway reads:
 * in a Job every source arrives as files (inline scripts and ConfigMaps mounted, image sources
 * copied); the local commands hand over the same content read from YAML. Staging also hides Kubernetes' volume layout (the
 * {@code ..data} links of a ConfigMap mount would otherwise show each script twice).
 */
public final class MigrationScripts implements AutoCloseable {
  private final Map<String, String> scripts;
  private final Path directory;

  private MigrationScripts(Map<String, String> scripts, Path directory) {
    this.scripts = scripts;
    this.directory = directory;
  }

  /** Reads every {@code *.sql} file under the given directories (dot-entries skipped). */
  public static MigrationScripts fromDirectories(List<Path> sources) {
    Map<String, String> found = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    for (Path source : sources) {
      if (!Files.isDirectory(source)) {
        throw new ConfigurationException("migration directory " + source + " does not exist or is not a directory");
      }
      for (Path file : sqlFiles(source)) {
        String name = file.getFileName().toString();
        String previous = found.put(name, read(file));
        if (previous != null) {
          duplicates.add(name);
        }
      }
    }
    if (!duplicates.isEmpty()) {
      throw new ConfigurationException("the same script name comes from more than one source: " + String.join(", ", duplicates));
    }
    return stage(found);
  }

  /** Stages scripts from several named sources, e.g. inline ones and ConfigMap data together. */
  public static MigrationScripts fromNamedSources(List<Map<String, String>> sources) {
    return stage(named(sources));
  }

  /**
   * The scripts of several named sources as one map, file name to content, sorted by name; their
   * names checked as staging checks them, but nothing written anywhere.
   */
  public static Map<String, String> named(List<Map<String, String>> sources) {
    Map<String, String> found = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    for (Map<String, String> source : sources) {
      for (Map.Entry<String, String> e : source.entrySet()) {
        if (found.put(e.getKey(), e.getValue()) != null) {
          duplicates.add(e.getKey());
        }
      }
    }
    if (!duplicates.isEmpty()) {
      throw new ConfigurationException("the same script name comes from more than one source: " + String.join(", ", duplicates));
    }
    checkNames(found.keySet());
    return found;
  }

  private static MigrationScripts stage(Map<String, String> scripts) {
    checkNames(scripts.keySet());
    try {
      Path dir = Files.createTempDirectory("schema-operator-scripts");
      for (Map.Entry<String, String> e : scripts.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
      return new MigrationScripts(Map.copyOf(scripts), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage migration scripts in the temporary directory", e);
    }
  }

  static void checkNames(Iterable<String> names) {
    List<String> bad = new ArrayList<>();
    Map<String, String> versions = new TreeMap<>();
    List<String> clashes = new ArrayList<>();
    for (String name : names) {
      if (!name.matches(Patterns.MIGRATION_FILE)) {
        bad.add(name);
        continue;
      }
      if (name.startsWith("V")) {
        String version = normalizedVersion(name.substring(1, name.indexOf("__")));
        String other = versions.put(version, name);
        if (other != null) {
          clashes.add(other + " and " + name);
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new ConfigurationException(
          "these migration files are not named the Flyway way (V<version>__<description>.sql or R__<description>.sql): "
              + String.join(", ", bad));
    }
    if (!clashes.isEmpty()) {
      throw new ConfigurationException("two scripts claim the same version: " + String.join("; ", clashes));
    }
  }

  /** 1, 1.0 and 1_0 are the same Flyway version. */
  private static String normalizedVersion(String raw) {
    String[] parts = raw.replace('_', '.').split("\\.");
    int end = parts.length;
    while (end > 1 && parts[end - 1].matches("0+")) {
      end--;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < end; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(parts[i].replaceFirst("^0+(?=.)", ""));
    }
    return sb.toString();
  }

  private static List<Path> sqlFiles(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !hasDotSegment(root.relativize(p)))
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".sql"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list migration directory " + root, e);
    }
  }

  private static boolean hasDotSegment(Path relative) {
    for (Path segment : relative) {
      if (segment.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read migration file " + file.getFileName() + " as UTF-8 text");
    }
  }

  /** Deletes the staging directory; the operator stages scripts for every read, for weeks on end. */
  @Override
  public void close() {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the staged scripts in " + directory, e);
    }
  }

  /** The staging directory Flyway reads. */
  public Path directory() {
    return directory;
  }

  /** File name to content, sorted by name. */
  public Map<String, String> scripts() {
    return new TreeMap<>(scripts);
  }

  public int size() {
    return scripts.size();
  }

  /**
   * Every script as pending, read from its name alone: what a plan shows for a database that does
   * not exist yet. Checksums need Flyway and a database, so they are left out.
   */
  public List<MigrationResult.PendingScript> asPending() {
    List<MigrationResult.PendingScript> pending = new ArrayList<>();
    for (String name : new TreeMap<>(scripts).keySet()) {
      String stem = name.substring(0, name.length() - ".sql".length());
      int separator = stem.indexOf("__");
      String description = stem.substring(separator + 2).replace('_', ' ');
      boolean repeatable = stem.startsWith("R");
      pending.add(new MigrationResult.PendingScript(
          repeatable ? null : stem.substring(1, separator).replace('_', '.'), description, "SQL", name, null));
    }
    // Flyway's order: versioned scripts by version, then repeatables by description.
    pending.sort(java.util.Comparator
        .comparing((MigrationResult.PendingScript p) -> p.version() == null)
        .thenComparing(p -> p.version() == null ? p.description() : "", String::compareTo)
        .thenComparing(p -> p.version() == null ? new int[0] : versionParts(p.version()), java.util.Arrays::compare));
    return pending;
  }

  private static int[] versionParts(String version) {
    return java.util.Arrays.stream(version.split("\\.")).mapToInt(s -> Integer.parseInt(s.length() > 9 ? s.substring(0, 9) : s)).toArray();
  }
}
