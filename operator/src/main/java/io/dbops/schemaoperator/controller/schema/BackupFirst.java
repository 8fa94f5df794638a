package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.model.SchemaDefaults;

/**
 * spec.backup.beforeMigrate as part of the decision: a migration run of a revision starts only
 * after a backup for that revision succeeded. A failed backup stalls, with nothing migrated, until
 * a person fixes the cause and asks again (dbops.io/retry) or changes the spec.
 */
final class BackupFirst {
  private BackupFirst() {}

  static Step before(Observation o, Step.Start start) {
    if (!SchemaDefaults.backupBeforeMigrate(o.spec())) {
      return start;
    }
    LastBackup last = o.status().getLastBackup();
    if (last == null || !o.desiredHash().equals(last.getDesiredHash())) {
      return new Step.StartBackup(null);
    }
    if (last.getResult() == RunResult.Succeeded) {
      return start;
    }
    if (last.getResult() == RunResult.Failed) {
      String retry = o.annotation(Annotations.RETRY);
      if (retry != null && !retry.equals(o.status().getHandledRetry())) {
        return new Step.StartBackup(retry);
      }
      return new Step.Stall("BackupFailed", SchemaDecision.sentence(last.getMessage()) + " Nothing was migrated: fix the"
          + " cause (spec.backup, the claim, the login), then set annotation " + Annotations.RETRY + " to a new value");
    }
    // Recorded as running, yet no Job of this schema runs: the observer settles that first; start anew if it could not.
    return new Step.StartBackup(null);
  }
}
