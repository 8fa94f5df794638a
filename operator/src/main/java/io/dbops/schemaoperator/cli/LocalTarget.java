package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;

/** One DatabaseSchema from the files, resolved into everything the engine needs. */
record LocalTarget(
    String namespace,
    String schemaName,
    String connectionName,
    ConnectionSettings connection,
    Login login,
    MigrationSettings settings,
    MigrationScripts scripts) {

  MigrationEngine engine(Progress progress) {
    return new MigrationEngine(connection, login, settings, scripts, JdbcTargets.withTemporaryTrustStores(), progress);
  }
}
