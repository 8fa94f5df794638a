package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import java.util.List;
import java.util.Map;

/**
 * The operator's only access to a schema's database: a short read of its state (info) or of its
 * drift (validate). Schema changes happen in Jobs, never here.
 */
public final class DatabaseReader {
  private final JdbcTargets targets;

  public DatabaseReader(JdbcTargets targets) {
    this.targets = targets;
  }

  public MigrationResult info(ConnectionSettings connection, Login login, MigrationSettings settings,
      List<Map<String, String>> scripts) {
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(scripts)) {
      return engine(connection, login, settings, staged).info();
    }
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
