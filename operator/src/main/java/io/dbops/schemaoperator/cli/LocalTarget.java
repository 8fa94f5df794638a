package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.DestructiveChanges;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.model.DestructivePolicy;
import java.util.List;
import java.util.Map;

/** One DatabaseSchema from the files, resolved into everything the engine needs. */
record LocalTarget(
    String namespace,
    String schemaName,
    String connectionName,
    ConnectionSettings connection,
    Login login,
    MigrationSettings settings,
    MigrationScripts scripts,
    DestructivePolicy destructive) {

  MigrationEngine engine(Progress progress) {
    return new MigrationEngine(connection, login, settings, scripts, JdbcTargets.withTemporaryTrustStores(), progress);
  }

  /** The destructive changes in these pending scripts, as the operator reads them for spec.policy.destructive. */
  List<DestructiveChange> destructiveChanges(List<PendingScript> pending) {
    Map<String, String> texts = scripts.scripts();
    List<DestructiveChanges.Script> read = pending.stream().filter(p -> texts.containsKey(p.script()))
        .map(p -> new DestructiveChanges.Script(p.script(), texts.get(p.script()))).toList();
    return DestructiveChanges.in(connection.engine(), settings, connection.database(), read);
  }
}
