package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.model.Finding;
import io.dbops.schemaoperator.model.HistoryEntry;
import io.dbops.schemaoperator.model.PendingMigration;
import java.util.List;

/** The engine's view of applied and pending scripts, as status lists them. */
final class StatusEntries {
  private StatusEntries() {}

  static List<HistoryEntry> history(List<MigrationResult.AppliedScript> applied) {
    if (applied == null) {
      return List.of();
    }
    return applied.stream().map(a -> {
      HistoryEntry h = new HistoryEntry();
      h.setVersion(a.version());
      h.setDescription(a.description());
      h.setChecksum(a.checksum());
      h.setInstalledOn(a.installedOn());
      h.setExecutionMillis(a.millis());
      h.setSuccess(a.success());
      return h;
    }).toList();
  }

  static List<PendingMigration> pending(List<MigrationResult.PendingScript> pending) {
    return pending.stream().map(p -> {
      PendingMigration m = new PendingMigration();
      m.setVersion(p.version());
      m.setDescription(p.description());
      m.setScript(p.script());
      return m;
    }).toList();
  }

  static List<Finding> findings(List<DestructiveChange> found) {
    return found.stream().map(f -> {
      Finding finding = new Finding();
      finding.setScript(f.script());
      finding.setStatement(f.statement());
      finding.setKind(f.kind().name());
      finding.setObject(f.object());
      return finding;
    }).toList();
  }
}
