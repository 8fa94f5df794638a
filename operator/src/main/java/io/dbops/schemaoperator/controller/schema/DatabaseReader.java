package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.Engine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's only access to a schema's database: a short read of its state (info) or of its
 * drift (validate). Schema changes happen in Jobs, never here.
 */
public final class DatabaseReader {
  /** Flyway's default history table, which the engine keeps. */
  private static final String HISTORY_TABLE = "flyway_schema_history";
  private final JdbcTargets targets;
  private final IdleConnections connections;

  /** {@code connections}: where the short reads keep their logins between reads; its owner closes it. */
  public DatabaseReader(JdbcTargets targets, IdleConnections connections) {
    this.targets = targets;
    this.connections = connections;
  }

  /**
   * The database's state as Flyway's info reports it.
   *
   * @param withChecksums whether pending scripts must carry their checksums (a plan to approve
   *     names them); without, a schema Flyway has never touched is read with one metadata query
   */
  public MigrationResult info(ConnectionSettings connection, Login login, MigrationSettings settings,
      List<Map<String, String>> scripts, boolean withChecksums) {
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(scripts)) {
      if (!withChecksums) {
        Optional<MigrationResult> untouched = untouched(connection, login, settings, staged);
        if (untouched.isPresent()) {
          return untouched.get();
        }
      }
      return engine(connection, login, settings, staged).info();
    }
  }

  /**
   * A default schema without Flyway's history table has had nothing applied: every script is
   * pending, in Flyway's order, and nothing can have drifted. Learning that takes one metadata
   * query here, where a Flyway read (configuration, plugins, scans, its own queries) is most of the
   * operator's work for a new schema. Only where Flyway would answer the same: target latest and no
   * baseline on migrate. Empty when the table may be there (the name patterns are loose, so a
   * look-alike counts as there) or anything fails: Flyway's read then answers, and classifies the error.
   */
  private Optional<MigrationResult> untouched(ConnectionSettings connection, Login login, MigrationSettings settings,
      MigrationScripts staged) {
    if (!"latest".equals(settings.target()) || settings.baselineOnMigrate() || staged.size() == 0) {
      return Optional.empty();
    }
    String defaultSchema = settings.schemas().isEmpty() ? null : settings.schemas().get(0);
    boolean schemaIsCatalog = connection.engine() == Engine.MYSQL || connection.engine() == Engine.MARIADB;
    try {
      boolean historyThere = connections.use(targets.application(connection.withCreateDatabase(false), login), c -> {
        String catalog = schemaIsCatalog ? (defaultSchema == null ? c.getCatalog() : defaultSchema) : c.getCatalog();
        String schema = schemaIsCatalog ? null : (defaultSchema == null ? c.getSchema() : defaultSchema);
        if ((schemaIsCatalog && catalog == null) || (!schemaIsCatalog && schema == null)) {
          return true;
        }
        try (ResultSet tables = c.getMetaData().getTables(catalog, schema, HISTORY_TABLE, null)) {
          return tables.next();
        }
      });
      if (historyThere) {
        return Optional.empty();
      }
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(new MigrationResult(Operation.info, true, null, null, staged.asPending(), List.of(), null, null));
  }

  public MigrationResult validate(ConnectionSettings connection, Login login, MigrationSettings settings,
      List<Map<String, String>> scripts) {
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(scripts)) {
      return engine(connection, login, settings, staged).validate();
    }
  }

  private MigrationEngine engine(ConnectionSettings connection, Login login, MigrationSettings settings,
      MigrationScripts scripts) {
    // Reading never creates anything: the connection controller owns createDatabase.
    return new MigrationEngine(connection.withCreateDatabase(false), login, settings, scripts, targets, Progress.silent());
  }
}
