package io.dbops.schemaoperator.controller.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.controller.schema.Observation.FinishedRun;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.Failure;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What observed facts make of status, before anything is decided: a new revision clears the old
 * one's failure and plan; a run that ended records its result; the database's state gives the
 * current version, history and pending list. Pure: each call returns a new status.
 */
final class StatusFacts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusFacts() {}

  static DatabaseSchemaStatus copy(DatabaseSchemaStatus status) {
    return status == null ? new DatabaseSchemaStatus() : JSON.convertValue(status, DatabaseSchemaStatus.class);
  }

  /** A revision other than the one status worked on: its failure and plan no longer apply. */
  static DatabaseSchemaStatus newRevision(DatabaseSchemaStatus status, String desiredHash) {
    DatabaseSchemaStatus next = copy(status);
    next.setDesiredHash(desiredHash);
    next.setFailure(null);
    next.setPlanHash(null);
    next.setFindings(List.of());
    return next;
  }

  /** A running Job that status does not name (an operator restart between create and status): it is this run. */
  static DatabaseSchemaStatus adopted(DatabaseSchemaStatus status, LastRun run) {
    DatabaseSchemaStatus next = copy(status);
    next.setLastRun(run);
    return next;
  }

  static DatabaseSchemaStatus backupStarted(DatabaseSchemaStatus status, LastBackup backup) {
    DatabaseSchemaStatus next = copy(status);
    next.setLastBackup(backup);
    return next;
  }

  /** What the backup status named as running left behind. */
  static DatabaseSchemaStatus backupFinished(DatabaseSchemaStatus status, BackupOutcome outcome, String completionTime) {
    DatabaseSchemaStatus next = copy(status);
    LastBackup backup = next.getLastBackup();
    backup.setResult(outcome.success() ? RunResult.Succeeded : RunResult.Failed);
    backup.setCompletionTime(completionTime);
    backup.setFile(outcome.file());
    backup.setBytes(outcome.bytes());
    backup.setVersion(outcome.version());
    backup.setMessage(outcome.message());
    return next;
  }

  /** The result of the run status named as running. */
  static DatabaseSchemaStatus finished(DatabaseSchemaStatus status, FinishedRun finished, String completionTime) {
    DatabaseSchemaStatus next = copy(status);
    LastRun run = next.getLastRun();
    MigrationResult result = finished.result();
    run.setCompletionTime(completionTime);
    run.setApplied(result.applied().stream().map(a -> a.version() == null ? a.script() : a.version()).toList());
    run.setResult(result.success() ? RunResult.Succeeded : RunResult.Failed);
    if (run.getDesiredHash() == null) {
      run.setDesiredHash(finished.desiredHash());
    }
    next.setFailure(result.success() ? null : failure(result.failure()));
    if (result.currentVersion() != null) {
      next.setCurrentVersion(result.currentVersion());
    }
    // A failed run reports the history too: it is what someone debugging the failure looks at first.
    if (result.history() != null) {
      next.setHistory(StatusEntries.history(result.history()));
    }
    return next;
  }

  /** The database's state as a read found it, with what its pending scripts would change; a failed read changes nothing. */
  static DatabaseSchemaStatus withDatabase(DatabaseSchemaStatus status, MigrationResult state, List<DestructiveChange> findings) {
    if (!state.success()) {
      return status;
    }
    DatabaseSchemaStatus next = copy(status);
    next.setCurrentVersion(state.currentVersion());
    next.setHistory(StatusEntries.history(state.history()));
    next.setPending(StatusEntries.pending(state.pending()));
    next.setFindings(StatusEntries.findings(findings));
    return next;
  }

  private static Failure failure(MigrationFailure f) {
    Failure failure = new Failure();
    if (f == null) {
      failure.setMessage("the Job reported a failure without saying which: see its Pod's log");
      failure.setTransient(false);
      return failure;
    }
    failure.setVersion(f.version());
    failure.setScript(f.script());
    failure.setSqlState(f.sqlState());
    failure.setMessage(f.message());
    failure.setTransient(f.transientError());
    return failure;
  }

  static String now(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
