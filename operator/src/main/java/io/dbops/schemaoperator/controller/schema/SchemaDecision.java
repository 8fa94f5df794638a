package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionStatus;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.DestructivePolicy;
import io.dbops.schemaoperator.model.Failure;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.model.SchemaDefaults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What to do next for one DatabaseSchema, as a pure function of what was observed: no cluster, no
 * database, no clock but the observation's. The order of the checks is the policy: inputs first,
 * then a running Job, then what a person asked for (retry, repair, approval), then the database.
 */
final class SchemaDecision {
  static final Duration WAIT_FOR_DEPENDENCY = Duration.ofSeconds(30);
  static final Duration WAIT_FOR_JOB = Duration.ofSeconds(15);
  /** A retry is started a moment after it is due, so that the wake-up never comes just too early. */
  private static final Duration AFTER_DUE = Duration.ofMillis(200);

  private SchemaDecision() {}

  static Step decide(Observation o) {
    Step step = next(o);
    if (step instanceof Step.Start && o.jobRefused() != null) {
      // Checked before anything is created: creating the resource must not be creating a Pod the settings forbid.
      return new Step.Stall(o.jobRefused().reason(), o.jobRefused().message());
    }
    return step instanceof Step.Start start && start.operation() == Operation.migrate ? BackupFirst.before(o, start) : step;
  }

  private static Step next(Observation o) {
    if (o.spec() == null) {
      String problem = o.schema().readProblem() == null ? "spec is missing" : o.schema().readProblem();
      return new Step.Unreadable("the operator cannot read this DatabaseSchema (" + problem + "): correct the spec");
    }
    Optional<Step> inputs = inputs(o);
    if (inputs.isPresent()) {
      return inputs.get();
    }
    if (o.active() != null) {
      return new Step.Running(o.active().job(), o.active().operation());
    }
    if (!o.access().found()) {
      return FailureReason.ConfigurationInvalid.name().equals(o.access().reason())
          ? new Step.Stall(o.access().reason(), o.access().message())
          : new Step.Wait("ConnectionNotReady", o.access().message(), WAIT_FOR_DEPENDENCY);
    }
    Optional<Step> unsupported = unsupported(o);
    if (unsupported.isPresent()) {
      return unsupported.get();
    }
    DatabaseSchemaStatus status = o.status();
    if (status.getFailure() != null && status.getLastRun() != null && status.getLastRun().getResult() == RunResult.Failed) {
      boolean historyUnknown = o.finished() != null && o.finished().result().history() == null;
      // A failed run whose result had no room for the history: read it once, for the person debugging.
      return historyUnknown && o.database() == null ? new Step.ReadDatabase() : afterFailure(o);
    }
    if (repairRequested(o)) {
      return Step.Start.repair();
    }
    Optional<Step> known = knownState(o);
    if (known.isPresent()) {
      return known.get();
    }
    if (o.spec().getMigrations().getImage() != null) {
      // The operator cannot read scripts inside an image: a Job learns and applies them.
      LastRun run = status.getLastRun();
      if (run != null && run.getResult() == RunResult.Succeeded && o.desiredHash().equals(o.lastRunHash())) {
        return new Step.UpToDate(driftInterval(o), null, false);
      }
      return approvedOrWaiting(o, List.of(), false);
    }
    boolean queued = Conditions.find(status.getConditions(), Conditions.READY).filter(c -> "WaitingForLock".equals(c.getReason())).isPresent();
    if (queued && o.lockHolder() != null) {
      // Still waiting: while another resource migrates this schema, a read would only be read again.
      return new Step.Queue(o.target(), o.lockHolder());
    }
    if (o.database() == null) {
      return new Step.ReadDatabase();
    }
    return fromDatabase(o);
  }

  /** The connection and ConfigMaps the spec names: missing, not Ready or unusable, nothing else can be decided. */
  private static Optional<Step> inputs(Observation o) {
    String namespace = o.schema().getMetadata().getNamespace();
    String connectionName = o.spec().getConnectionRef().getName();
    if (o.connection() == null) {
      return Optional.of(new Step.Wait("ConnectionNotFound",
          "DatabaseConnection " + connectionName + " not found in namespace " + namespace + ": create it", WAIT_FOR_DEPENDENCY));
    }
    if (!ready(o.connection())) {
      DatabaseConnectionStatus status = o.connection().getStatus();
      String why = status == null ? "not probed yet"
          : Conditions.find(status.getConditions(), Conditions.READY).map(c -> c.getReason() + ": " + c.getMessage())
              .orElse("not probed yet");
      return Optional.of(new Step.Wait("ConnectionNotReady",
          "DatabaseConnection " + connectionName + " is not Ready (" + why + ")", WAIT_FOR_DEPENDENCY));
    }
    if (o.configMapProblem() != null) {
      return Optional.of(new Step.Stall(o.configMapProblem().reason(), o.configMapProblem().message()));
    }
    return Optional.empty();
  }

  /**
   * Settings this connection cannot honour, refused before anything runs: the API server cannot
   * refuse them, as a DatabaseSchema does not say which engine its connection is.
   */
  private static Optional<Step> unsupported(Observation o) {
    String refusal = MigrationSettings.transactionRefusal(SchemaDefaults.transaction(o.spec()), o.connection().getSpec().getEngine());
    if (refusal != null) {
      return Optional.of(new Step.Stall("ConfigurationInvalid", refusal));
    }
    if (o.spec().getMigrations().getImage() != null && SchemaDefaults.destructivePolicy(o.spec()) != DestructivePolicy.Allow) {
      return Optional.of(new Step.Stall("ConfigurationInvalid", "spec.policy.destructive " + SchemaDefaults.destructivePolicy(o.spec())
          + " needs scripts the operator can read (inline or configMapRefs): scripts inside migrations.image are read by the"
          + " Job only. Set spec.policy.destructive to Allow, or move the scripts"));
    }
    return Optional.empty();
  }

  /** Ready as its status says, and readable: a spec the operator cannot read is never ready, whatever its last status said. */
  static boolean ready(DatabaseConnection connection) {
    return connection.getSpec() != null && connection.getStatus() != null
        && Conditions.isTrue(connection.getStatus().getConditions(), Conditions.READY);
  }

  /** After the database was read: repair first, then drift, then what is pending. */
  private static Step fromDatabase(Observation o) {
    MigrationResult state = o.database();
    if (!state.success()) {
      MigrationFailure f = state.failure();
      return f.transientError()
          ? new Step.Wait(f.reason().name(), f.message(), WAIT_FOR_DEPENDENCY)
          : new Step.Stall(f.reason().name(), f.message());
    }
    Optional<MigrationResult.AppliedScript> failedRow = state.history() == null ? Optional.empty()
        : state.history().stream().filter(a -> Boolean.FALSE.equals(a.success())).findFirst();
    if (failedRow.isPresent()) {
      // Flyway counts a failed row as applied, not pending: without this a database that stopped
      // half-way (MySQL/MariaDB DDL, non-transactional scripts) would read as up to date once the
      // failure was cleared by a spec change. Only a person can say what the half-run left behind.
      MigrationResult.AppliedScript row = failedRow.get();
      return new Step.Stall("RepairNeeded", (row.script() == null ? "version " + row.version() : row.script())
          + " is recorded as failed in the schema history and its statements before the failure may have stayed:"
          + " undo them by hand, then set annotation " + Annotations.REPAIR + " to a new value to clear the failed row");
    }
    if (state.pending().isEmpty()) {
      if (o.drift() == null) {
        return new Step.CheckDrift();
      }
      // A check that could not be made says nothing about drift: look again soon.
      return new Step.UpToDate(o.drift().known() ? nextDriftCheck(o) : WAIT_FOR_DEPENDENCY, o.drift(), false);
    }
    List<DestructiveChange> findings = o.findings();
    DestructivePolicy policy = SchemaDefaults.destructivePolicy(o.spec());
    if (!findings.isEmpty() && policy == DestructivePolicy.Refuse) {
      return new Step.Stall("DestructiveChange", findingsSummary(findings) + ": spec.policy.destructive is Refuse."
          + " Change the script, or set spec.policy.destructive to RequireApproval (then approve the plan) or Allow");
    }
    return approvedOrWaiting(o, state.pending(), !findings.isEmpty() && policy == DestructivePolicy.RequireApproval);
  }

  /** The first finding in words, and how many more status.findings holds. */
  static String findingsSummary(List<DestructiveChange> findings) {
    return findings.get(0).describe() + (findings.size() == 1 ? "" : " (and " + (findings.size() - 1) + " more in status.findings)");
  }

  /**
   * Up to date without reading the database, when that is known. A migrate Job that succeeded for
   * this very hash read the database right after migrating it, under Flyway's lock: nothing pending,
   * its history, and the applied scripts validated against it (validateOnMigrate), so no drift
   * either. Until one drift-check interval after that run, reading again would learn nothing new;
   * reconciles come for many reasons (the Job's events alone bring two), and each read costs the database a query.
   */
  private static Optional<Step> knownState(Observation o) {
    Observation.FinishedRun finished = o.finished();
    if (finished != null && finished.operation() == Operation.migrate && finished.result().success()
        && o.desiredHash().equals(finished.desiredHash()) && finished.result().pending().isEmpty()
        && finished.result().history() != null) {
      return Optional.of(new Step.UpToDate(driftInterval(o), null, true));
    }
    DatabaseSchemaStatus status = o.status();
    LastRun run = status.getLastRun();
    if (run == null || run.getResult() != RunResult.Succeeded || !Operation.migrate.name().equals(run.getOperation())
        || run.getCompletionTime() == null || status.getPending() == null || !status.getPending().isEmpty()
        || !Conditions.isTrue(status.getConditions(), Conditions.READY) || !o.desiredHash().equals(o.lastRunHash())) {
      return Optional.empty();
    }
    Instant due = Instant.parse(run.getCompletionTime()).plus(driftInterval(o));
    return o.now().isBefore(due) ? Optional.of(new Step.UpToDate(Duration.between(o.now(), due), null, false)) : Optional.empty();
  }

  /**
   * Start, or wait for the approval of this plan: with approval Manual, and with policy.destructive
   * RequireApproval when the plan holds destructive changes ({@code destructive}).
   */
  private static Step approvedOrWaiting(Observation o, List<MigrationResult.PendingScript> pending, boolean destructive) {
    if (SchemaDefaults.approval(o.spec()) != Approval.Manual && !destructive) {
      return Step.Start.migrate();
    }
    String planHash = planHash(o.desiredHash(), pending);
    String approval = o.annotation(Annotations.APPROVE);
    if (planHash.equals(approval)) {
      return new Step.Start(Operation.migrate, null, planHash, false);
    }
    String why = destructive ? " (" + findingsSummary(o.findings()) + "; spec.policy.destructive is RequireApproval)" : "";
    return new Step.AwaitApproval(planHash, pending.size() + " script(s) wait for approval" + why + ": annotate with "
        + Annotations.APPROVE + "=" + planHash + (approval == null ? "" : " (the current approval names another plan)"));
  }

  /** The last run failed: repair or retry when asked, retry transient failures with backoff, else stall. */
  private static Step afterFailure(Observation o) {
    DatabaseSchemaStatus status = o.status();
    Failure failure = status.getFailure();
    if (repairRequested(o)) {
      return Step.Start.repair();
    }
    String retry = o.annotation(Annotations.RETRY);
    if (retry != null && !retry.equals(status.getHandledRetry())) {
      return new Step.Start(Operation.migrate, retry, null, true);
    }
    int attempt = status.getLastRun().getAttempt() == null ? 1 : status.getLastRun().getAttempt();
    int limit = SchemaDefaults.retryLimit(o.spec());
    if (Boolean.TRUE.equals(failure.getTransient()) && attempt <= limit) {
      Instant due = Instant.parse(status.getLastRun().getCompletionTime()).plus(Backoff.before(attempt));
      if (o.now().isBefore(due)) {
        return new Step.Wait("RetryScheduled", "transient failure (" + failure.getMessage() + "); retry " + attempt + " of "
            + limit + " at " + due, Duration.between(o.now(), due).plus(AFTER_DUE));
      }
      return new Step.Start(Operation.migrate, null, null, true);
    }
    if (Boolean.TRUE.equals(failure.getTransient())) {
      return new Step.Stall("RetriesExhausted", sentence(failure.getMessage()) + " Gave up after " + attempt
          + " attempts: once the cause is fixed, set annotation " + Annotations.RETRY + " to a new value");
    }
    return new Step.Stall("MigrationFailed", (failure.getScript() == null ? "" : failure.getScript() + ": ")
        + sentence(failure.getMessage())
        + " Fix the script (a spec change runs again), or set annotation " + Annotations.RETRY + " to a new value"
        + (failure.getMessage() != null && failure.getMessage().contains("repair") ? ", or " + Annotations.REPAIR : ""));
  }

  private static boolean repairRequested(Observation o) {
    String repair = o.annotation(Annotations.REPAIR);
    return repair != null && !repair.equals(o.status().getHandledRepair());
  }

  static Duration driftInterval(Observation o) {
    return SchemaDefaults.driftInterval(o.spec());
  }

  /** Until the schema's next drift check, at its own offset within the interval ({@link DriftSchedule}). */
  static Duration nextDriftCheck(Observation o) {
    String uid = o.schema().getMetadata().getUid();
    String key = uid != null ? uid : o.schema().getMetadata().getNamespace() + "/" + o.schema().getMetadata().getName();
    return DriftSchedule.untilNext(key, driftInterval(o), o.now());
  }

  /** What an approval must name: the revision and each pending script with its checksum. */
  static String planHash(String desiredHash, List<MigrationResult.PendingScript> pending) {
    StringBuilder sb = new StringBuilder(desiredHash);
    for (MigrationResult.PendingScript p : pending) {
      sb.append('|').append(p.script()).append('=').append(p.checksum());
    }
    return Sha256.hex(sb.toString()).substring(0, 12);
  }

  /** A driver message as a sentence: one closing period, however the driver ended it. */
  static String sentence(String message) {
    String text = message == null ? "" : message.strip();
    while (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text + ".";
  }
}
