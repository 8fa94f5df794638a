package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.DestructiveChanges;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.migration.MigrationSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The destructive changes in what a run would apply: the pending scripts, in Flyway's order, with
 * their text from the schema's sources. Read whatever the policy, so status shows them to everyone;
 * scripts inside an image are not the operator's to read.
 */
final class PendingFindings {
  private PendingFindings() {}

  static List<DestructiveChange> of(Observation o, List<PendingScript> pending) {
    if (pending.isEmpty() || o.spec().getMigrations().getImage() != null) {
      return List.of();
    }
    Map<String, String> texts = new HashMap<>();
    o.scriptSources().forEach(texts::putAll);
    List<DestructiveChanges.Script> scripts = new ArrayList<>();
    for (PendingScript p : pending) {
      String sql = texts.get(p.script());
      if (sql != null) {
        scripts.add(new DestructiveChanges.Script(p.script(), sql));
      }
    }
    try {
      return DestructiveChanges.in(o.connection().getSpec().getEngine(), MigrationSettings.from(o.spec()),
          o.connection().getSpec().getDatabase(), scripts);
    } catch (ConfigurationException e) {
      // The read that listed the pending scripts would have failed on the same settings first.
      return List.of();
    }
  }
}
