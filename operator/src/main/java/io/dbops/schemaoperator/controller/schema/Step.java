package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import java.time.Duration;

/**
 * What one reconcile of a DatabaseSchema does next, as {@link SchemaDecision} decides it from an
 * {@link Observation}. Each step that ends a reconcile names the reason its conditions carry;
 * {@link SchemaRecorder} turns it into status, events and the time to look again.
 */
sealed interface Step {

  /** Something outside this resource must change first; it heals by itself (Ready False, Reconciling). */
  record Wait(String reason, String message, Duration after) implements Step {}

  /** Nothing happens until a person acts (Stalled). */
  record Stall(String reason, String message) implements Step {}

  /**
   * The resource itself cannot be read (stored under an older CRD, or written past the API server's
   * checks): Stalled like a bad spec, said once as an event and a log line, and the others go on.
   */
  record Unreadable(String message) implements Step {}

  /** A Job of this schema is running: watch it. */
  record Running(String job, String operation) implements Step {}

  /**
   * Start a Job. {@code retryHandled}: the dbops.io/retry value this start answers, if any;
   * {@code approvedPlan}: the plan a Manual approval named; {@code clearFailure}: the failure it retries.
   */
  record Start(Operation operation, String retryHandled, String approvedPlan, boolean clearFailure) implements Step {
    static Start migrate() {
      return new Start(Operation.migrate, null, null, false);
    }

    static Start repair() {
      return new Start(Operation.repair, null, null, false);
    }
  }

  /**
   * What became of a {@link Start}: {@code outcome} is Running when a Job was created (or adopted),
   * with {@code run} to record; else Queue or Stall, and {@code run} is null.
   */
  record Attempted(Start start, Step outcome, LastRun run) implements Step {}

  /**
   * spec.backup.beforeMigrate: dump the database before the migration run starts, once per desired
   * hash. {@code retryHandled}: the dbops.io/retry value that asked to try a failed backup again.
   */
  record StartBackup(String retryHandled) implements Step {}

  /**
   * What became of a {@link StartBackup}: {@code outcome} Running with the {@code backup} to record
   * when its Job was created; else Queue or Stall, and {@code backup} is null.
   */
  record BackupAttempted(StartBackup start, Step outcome, LastBackup backup) implements Step {}

  /** Another resource's Job migrates the same database and schema: wait for it in the queue. */
  record Queue(String target, String message) implements Step {}

  /** {@code approval: Manual}: the plan waits for the annotation that names it. */
  record AwaitApproval(String planHash, String message) implements Step {}

  /**
   * Nothing pending. {@code drift}: what the drift check found (null: not checked this time);
   * {@code validatedByJob}: the migration Job just validated the applied scripts itself.
   */
  record UpToDate(Duration next, DriftVerdict drift, boolean validatedByJob) implements Step {}

  /** The database's state must be read before anything else can be decided. */
  record ReadDatabase() implements Step {}

  /** Nothing is pending: look for drift before calling the schema up to date. */
  record CheckDrift() implements Step {}
}
