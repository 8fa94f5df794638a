package io.dbops.schemaoperator.bench;

import static io.dbops.schemaoperator.bench.JvmFigures.loadAverage;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.jobenv.MigrateJvm;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.MockCluster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Start-up of the image's two JVMs, before and after issue 16: Java 17 with a class-data-sharing
 * archive (the image's options until then) against Java 25 with the AOT cache the image now makes
 * (MigrateJvm, the Dockerfile's training run). Each archive is made as its image made it: Java 17's
 * by {@code apply --embedded} with -XX:ArchiveClassesAtExit, Java 25's by {@code train} with
 * MigrateJvm's training options. Runs alternate, so a busy moment of the shared machine hits both.
 *
 * <ul>
 *   <li>no-op {@code migrate}: a whole process, as a Job starts it, on an embedded PostgreSQL that
 *       already holds the 250 scripts it is given;</li>
 *   <li>the operator's {@code run} against the mock API server, from process start to /readyz 200
 *       (every informer synced), with the image's entrypoint options; Java 17 as the old image ran
 *       it (no archive of its own), Java 25 with the AOT cache.</li>
 * </ul>
 *
 * Figures go to target/bench/startup.txt; the last line is the key figure. It asserts only that the
 * work really happened and that no JVM complained about its archive or cache.
 * Run: {@code mvn -B -pl operator -Pbench test -Dtest=StartupBenchmark}; knobs {@code bench.runs}
 * (9), {@code bench.java17} (the JVM running the benchmark), {@code bench.java25}
 * (/usr/lib/jvm/temurin-25-jdk-amd64).
 */
class StartupBenchmark {
  private static final int SCRIPTS = 250;
  private static final int RUNS = Integer.getInteger("bench.runs", 9);
  private static final Path JAVA17 = Path.of(System.getProperty("bench.java17", System.getProperty("java.home")), "bin", "java");
  private static final Path JAVA25 = Path.of(System.getProperty("bench.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
  /** The image's migrate options before issue 16 (MigrateJvm then), and how its Dockerfile trained the archive. */
  private static final List<String> JAVA17_MIGRATE = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
  private static final List<String> JAVA17_TRAINING = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final Pattern COMPLAINT = Pattern.compile("\\[(warning|error)\\s*]\\[(aot|cds)");

  @Test
  void noOpMigrateAndOperatorStartUpOnJava17WithCdsAndJava25WithAnAotCache() throws Exception {
    List<String> operatorOptions = List.of(System.getProperty("operator.jvm.options", "-XX:TieredStopAtLevel=1").trim().split("\\s+"));
    Path work = Files.createDirectories(Path.of("target", "bench", "startup").toAbsolutePath());
    Path archive = work.resolve("migrate.jsa");
    Path cache = work.resolve("schema-operator.aot");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(cache);
    Path scripts = Files.createDirectories(work.resolve("scripts"));
    for (int i = 1; i <= SCRIPTS; i++) {
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"), script(i), StandardCharsets.UTF_8);
    }

    List<String> report = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start(); MockCluster cluster = MockCluster.start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE bench");
      }
      applyAll(postgres.getPort(), scripts);

      List<String> java17Training = new ArrayList<>(JAVA17_TRAINING);
      java17Training.add("-XX:ArchiveClassesAtExit=" + archive);
      Outcome trained17 = java(JAVA17, java17Training, Map.of(), "apply", "-f", OperatorProcess.QUICKSTART.toString(), "--embedded");
      assertThat(trained17.exitCode()).as(trained17.output()).isZero();
      OperatorProcess.trainAotCache(JAVA25, cache);

      List<String> migrate17 = new ArrayList<>(JAVA17_MIGRATE);
      migrate17.add("-XX:SharedArchiveFile=" + archive);
      List<String> migrate25 = MigrateJvm.options(cache);
      List<String> operator25 = new ArrayList<>(operatorOptions);
      operator25.add("-XX:AOTCache=" + cache);
      Map<String, String> migrateEnv = migrateEnvironment(postgres.getPort(), scripts, work);
      Map<String, String> operatorEnv = OperatorProcess.environment(cluster, "ghcr.io/dbops/schema-operator:bench");

      // Once each, not timed: the archives are used (classes come from them) and the page cache is warm.
      assertFromArchive(JAVA17, migrate17, migrateEnv);
      assertFromArchive(JAVA25, migrate25, migrateEnv);
      operatorReady(JAVA17, operatorOptions, operatorEnv);
      operatorReady(JAVA25, operator25, operatorEnv);

      String loadBefore = loadAverage();
      Timings m17 = new Timings();
      Timings m25 = new Timings();
      Timings o17 = new Timings();
      Timings o25 = new Timings();
      for (int i = 0; i < RUNS; i++) {
        m17.time(() -> noOpMigrate(JAVA17, migrate17, migrateEnv));
        m25.time(() -> noOpMigrate(JAVA25, migrate25, migrateEnv));
        o17.time(() -> operatorReady(JAVA17, operatorOptions, operatorEnv));
        o25.time(() -> operatorReady(JAVA25, operator25, operatorEnv));
      }
      String loadAfter = loadAverage();

      report.add("java17: " + OperatorProcess.version(JAVA17) + "; java25: " + OperatorProcess.version(JAVA25));
      report.add("no-op migrate: " + SCRIPTS + " scripts, all applied; java17 " + String.join(" ", migrate17)
          + "; java25 " + String.join(" ", migrate25));
      report.add("operator run to /readyz 200 (mock API server, no resources): java17 " + String.join(" ", operatorOptions)
          + "; java25 " + String.join(" ", operator25));
      report.add(String.format(Locale.ROOT, "archive sizes: java17 CDS %.1f MiB, java25 AOT cache %.1f MiB",
          Files.size(archive) / 1048576.0, Files.size(cache) / 1048576.0));
      report.add("runs: " + RUNS + " of each, alternating; load average before " + loadBefore + ", after " + loadAfter);
      report.add("CPU: user + system time of the whole process (for the operator: to ready, then its shutdown)");
      report.add(m17.line("no-op migrate, java17 + CDS"));
      report.add(m25.line("no-op migrate, java25 + AOT cache"));
      report.add(o17.line("operator to ready, java17"));
      report.add(o25.line("operator to ready, java25 + AOT cache"));
      report.add(String.format(Locale.ROOT, "operator to ready java25/java17 ratio: %.2f (CPU %.2f)",
          median(o25.wall) / median(o17.wall), median(o25.cpu) / median(o17.cpu)));
      report.add(String.format(Locale.ROOT, "no-op migrate CPU java25/java17 ratio: %.2f", median(m25.cpu) / median(m17.cpu)));
      report.add(String.format(Locale.ROOT, "no-op migrate java25/java17 ratio: %.2f, java25 median %.3f s",
          median(m25.wall) / median(m17.wall), median(m25.wall)));
    }
    Path out = Path.of("target", "bench", "startup.txt");
    Files.write(out, report, StandardCharsets.UTF_8);
    report.forEach(System.out::println);
  }

  private static String script(int i) {
    return "CREATE TABLE bench_" + i + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\n"
        + "CREATE INDEX bench_" + i + "_name_idx ON bench_" + i + " (name);\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (1, 'one');\n";
  }

  private static void applyAll(int port, Path scripts) {
    ConnectionSettings connection = new ConnectionSettings(Engine.POSTGRES, "localhost", port, "bench",
        TlsMode.DISABLE, null, Map.of(), false);
    MigrationResult result = new MigrationEngine(connection, Login.of("postgres", "postgres"), MigrationSettings.defaults(),
        MigrationScripts.fromDirectories(List.of(scripts)), JdbcTargets.withTemporaryTrustStores(), Progress.silent()).migrate();
    assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
    assertThat(result.applied()).hasSize(SCRIPTS);
  }

  private static Map<String, String> migrateEnvironment(int port, Path scripts, Path work) {
    return Map.of(
        "DBOPS_CONNECTION", "{\"engine\":\"postgres\",\"host\":\"localhost\",\"port\":" + port
            + ",\"database\":\"bench\",\"tls\":{\"mode\":\"disable\"}}",
        "DBOPS_SCHEMA", "{}",
        "DBOPS_MIGRATIONS", scripts.toString(),
        "DBOPS_USERNAME", "postgres",
        "DBOPS_PASSWORD", "postgres",
        "DBOPS_RESULT_FILE", work.resolve("result.json").toString());
  }

  private static double noOpMigrate(Path java, List<String> options, Map<String, String> env) throws Exception {
    long t0 = System.nanoTime();
    Outcome run = java(java, options, env, "migrate");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("nothing to apply");
    assertThat(run.output()).doesNotContainPattern(COMPLAINT);
    return seconds;
  }

  private static void assertFromArchive(Path java, List<String> options, Map<String, String> env) throws Exception {
    List<String> logging = new ArrayList<>(options);
    logging.add("-Xlog:class+load=info");
    Outcome run = java(java, logging, env, "migrate");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).doesNotContainPattern(COMPLAINT)
        .containsPattern("org\\.flywaydb\\.core\\.Flyway source: shared objects file")
        .containsPattern("io\\.dbops\\.schemaoperator\\.migration\\.MigrationEngine source: shared objects file");
  }

  /** Seconds from process start to /readyz 200; then the process is stopped as the kubelet stops it. */
  private static double operatorReady(Path java, List<String> options, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile("operator", ".log");
    try (OperatorProcess operator = OperatorProcess.run(java, options, env, log)) {
      double seconds = operator.awaitReady(Duration.ofSeconds(120));
      assertThat(operator.log()).doesNotContainPattern(COMPLAINT);
      return seconds;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private record Outcome(int exitCode, String output) {}

  private static Outcome java(Path java, List<String> options, Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile("startup", ".log");
    Process process = OperatorProcess.start(java, options, env, log, args);
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(java + " " + String.join(" ", args) + " did not finish within 300 s");
    }
    Outcome outcome = new Outcome(process.exitValue(), Files.readString(log));
    Files.delete(log);
    return outcome;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private interface Measured {
    double wallSeconds() throws Exception;
  }

  /**
   * Wall seconds of each run, and the CPU seconds of the child process: Linux adds a child's CPU
   * time to its parent's cutime and cstime when the parent reaps it, as the JDK does before
   * waitFor returns. Less disturbed by the other work on a shared machine than wall time.
   */
  private static final class Timings {
    final List<Double> wall = new ArrayList<>();
    final List<Double> cpu = new ArrayList<>();

    void time(Measured run) throws Exception {
      long before = childTicks();
      wall.add(run.wallSeconds());
      cpu.add((childTicks() - before) / 100.0);
    }

    String line(String what) {
      StringBuilder all = new StringBuilder();
      for (double v : wall) {
        all.append(String.format(Locale.ROOT, " %.3f", v));
      }
      List<Double> sorted = wall.stream().sorted().toList();
      return String.format(Locale.ROOT, "%s: median %.3f s, best %.3f s, worst %.3f s; CPU median %.2f s (runs in order:%s)",
          what, median(wall), sorted.get(0), sorted.get(sorted.size() - 1), median(cpu), all);
    }

    /** cutime + cstime of this process, in clock ticks of 10 ms (USER_HZ 100 on Linux). */
    private static long childTicks() throws IOException {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
  }
}
