package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Patterns;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.model.Transaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a DatabaseSchema spec that decide how Flyway runs. */
public record MigrationSettings(
    List<String> schemas,
    String target,
    Map<String, String> placeholders,
    boolean baselineOnMigrate,
    String baselineVersion,
    boolean outOfOrder,
    int lockSeconds,
    int statementSeconds,
    Transaction transaction) {

  public MigrationSettings {
    schemas = List.copyOf(schemas == null ? List.of() : schemas);
    for (String schema : schemas) {
      if (!schema.matches(Patterns.SCHEMA)) {
        throw new ConfigurationException(
            "spec.schemas: '" + schema + "' is not a plain SQL identifier (letters, digits and '_', a letter or '_' first)");
      }
    }
    target = target == null || target.isBlank() ? SchemaDefaults.TARGET : target;
    if (!target.matches(Patterns.TARGET)) {
      throw new ConfigurationException("spec.target '" + target + "' must be 'latest' or a version such as 4 or 1.2");
    }
    placeholders = Map.copyOf(placeholders == null ? Map.of() : new LinkedHashMap<>(placeholders));
    for (String name : placeholders.keySet()) {
      if (!name.matches(Patterns.PARAMETER_NAME)) {
        throw new ConfigurationException("spec.placeholders: '" + name + "' must start with a letter and hold letters, digits, '_' or '.'");
      }
    }
    baselineVersion = baselineVersion == null ? SchemaDefaults.BASELINE_VERSION : baselineVersion;
    if (!baselineVersion.matches(Patterns.VERSION)) {
      throw new ConfigurationException("spec.baseline.version '" + baselineVersion + "' is not a version such as 1 or 1.2");
    }
    if (lockSeconds < 0 || statementSeconds < 0) {
      throw new ConfigurationException("spec.timeouts must not be negative");
    }
    transaction = transaction == null ? Transaction.PerScript : transaction;
  }

  /** Each script in its own transaction. */
  public MigrationSettings(List<String> schemas, String target, Map<String, String> placeholders, boolean baselineOnMigrate,
      String baselineVersion, boolean outOfOrder, int lockSeconds, int statementSeconds) {
    this(schemas, target, placeholders, baselineOnMigrate, baselineVersion, outOfOrder, lockSeconds, statementSeconds,
        Transaction.PerScript);
  }

  public MigrationSettings withTransaction(Transaction mode) {
    return new MigrationSettings(schemas, target, placeholders, baselineOnMigrate, baselineVersion, outOfOrder, lockSeconds,
        statementSeconds, mode);
  }

  /**
   * Why these settings cannot run on {@code engine}, or null when they can. One transaction for a
   * run undoes a failure only where DDL is transactional; MySQL and MariaDB commit each DDL
   * statement on its own, so a failed run would stop half-way whatever Flyway was told.
   */
  public String refusalOn(Engine engine) {
    return transactionRefusal(transaction, engine);
  }

  /** See {@link #refusalOn}. */
  public static String transactionRefusal(Transaction transaction, Engine engine) {
    if (transaction == Transaction.All && engine != null && !EngineDialect.of(engine).transactionalDdl()) {
      return "spec.transaction All needs an engine whose DDL is transactional (PostgreSQL, SQL Server): "
          + engine.wireName() + " commits every CREATE, ALTER and DROP at once, so a failed run could not be undone."
          + " Use transaction PerScript (the default)";
    }
    return null;
  }

  public static MigrationSettings from(DatabaseSchemaSpec spec) {
    return new MigrationSettings(
        spec.getSchemas(),
        SchemaDefaults.target(spec),
        spec.getPlaceholders(),
        SchemaDefaults.baselineOnMigrate(spec),
        SchemaDefaults.baselineVersion(spec),
        SchemaDefaults.outOfOrder(spec),
        SchemaDefaults.lockSeconds(spec),
        SchemaDefaults.statementSeconds(spec),
        SchemaDefaults.transaction(spec));
  }

  public static MigrationSettings defaults() {
    return new MigrationSettings(List.of(), SchemaDefaults.TARGET, Map.of(), false, SchemaDefaults.BASELINE_VERSION, false,
        SchemaDefaults.LOCK_SECONDS, SchemaDefaults.STATEMENT_SECONDS);
  }
}
