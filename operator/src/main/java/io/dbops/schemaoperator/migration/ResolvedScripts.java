package io.dbops.schemaoperator.migration;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.ResourceName;
import org.flywaydb.core.internal.resource.ResourceNameParser;
import org.flywaydb.core.internal.resource.StringResource;

/**
 * Scripts as Flyway resolves them, without a database: version and description from Flyway's own
 * name parser, checksum from Flyway's own checksum calculator, so they are what Flyway writes to
 * the history table and compares with it. Worked out once per set of scripts.
 */
public final class ResolvedScripts {
  /** A versioned script: what its history row must say. */
  public record Versioned(MigrationVersion version, String description, int checksum) {}

  /** A repeatable script: what the latest history row of its description must say. */
  public record Repeatable(String description, int checksum) {}

  /** Flyway's placeholder prefix: SQL that holds it may be changed before its checksum is taken. */
  private static final String PLACEHOLDER = "${";
  // Flyway's defaults, as MigrationEngine leaves them: prefixes V and R, separator __, suffix .sql.
  private static final Configuration NAMING = Flyway.configure();
  private static final ResourceNameParser NAMES = new ResourceNameParser(NAMING);

  private final Map<MigrationVersion, Versioned> versioned;
  private final Map<String, Repeatable> repeatable;
  private final boolean placeholdersInRepeatables;
  private final int count;

  private ResolvedScripts(Map<MigrationVersion, Versioned> versioned, Map<String, Repeatable> repeatable,
      boolean placeholdersInRepeatables, int count) {
    this.versioned = Collections.unmodifiableMap(versioned);
    this.repeatable = Collections.unmodifiableMap(repeatable);
    this.placeholdersInRepeatables = placeholdersInRepeatables;
    this.count = count;
  }

  /** @param scripts file name to content, names checked ({@link MigrationScripts#named}) */
  public static ResolvedScripts of(Map<String, String> scripts) {
    Map<MigrationVersion, Versioned> versioned = new TreeMap<>();
    Map<String, Repeatable> repeatable = new HashMap<>();
    boolean placeholders = false;
    for (Map.Entry<String, String> script : scripts.entrySet()) {
      ResourceName name = parse(script.getKey());
      if (!name.isValid()) {
        throw new ConfigurationException(name.getValidityMessage());
      }
      int checksum = ChecksumCalculator.calculate(new StringResource(script.getValue()));
      if (name.getVersion() != null) {
        versioned.put(name.getVersion(), new Versioned(name.getVersion(), name.getDescription(), checksum));
      } else {
        repeatable.put(name.getDescription(), new Repeatable(name.getDescription(), checksum));
        placeholders |= script.getValue().contains(PLACEHOLDER);
      }
    }
    return new ResolvedScripts(versioned, repeatable, placeholders, scripts.size());
  }

  private static synchronized ResourceName parse(String fileName) {
    return NAMES.parse(fileName);
  }

  /** By version, in Flyway's order. */
  public Map<MigrationVersion, Versioned> versioned() {
    return versioned;
  }

  /** By description. */
  public Map<String, Repeatable> repeatable() {
    return repeatable;
  }

  /**
   * Whether every checksum here is the one Flyway computes. Flyway takes a repeatable script's
   * checksum after replacing its placeholders, some of which only a database session knows
   * (${flyway:user}, ${flyway:timestamp}): such scripts are left to Flyway.
   */
  public boolean checksumsKnown() {
    return !placeholdersInRepeatables;
  }

  /** How many scripts: what a cache of these counts. */
  public int size() {
    return count;
  }
}
