package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.StatusWriter;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes a DatabaseSchema's status during a reconcile: it turns a {@link Step}
 * into conditions (Ready, Reconciling, Stalled and the extras), events, and the time to look again,
 * and writes status only when it changed. One recorder per reconcile.
 */
final class SchemaRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRecorder.class);
  private final DatabaseSchema schema;
  private final Context<DatabaseSchema> context;
  private final SchemaActions actions;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final Long generation;
  /** The newest version of the resource known here: what the next status write is based on. */
  private DatabaseSchema latest;
  private DatabaseSchemaStatus written;
  /** Conditions as this reconcile last set them, carried from an early write to the last one. */
  private List<Condition> conditions;
  private boolean finishedAnnounced;
  private boolean backupAnnounced;
  private DatabaseSchemaStatus status;

  SchemaRecorder(DatabaseSchema schema, Context<DatabaseSchema> context, SchemaActions actions) {
    this.schema = schema;
    this.context = context;
    this.actions = actions;
    this.writer = new StatusWriter(context.getClient());
    this.events = new EventRecorder(context.getClient());
    this.generation = schema.getMetadata().getGeneration();
    this.latest = schema;
    this.written = schema.getStatus();
  }

  /**
   * Before slow work (reading the database): what is known already goes out first, so a finished
   * run's outcome never waits for the read, and kstatus readers never see a new revision as Ready.
   */
  void progress(Observation o) {
    start(o);
    if (o.newRevision()) {
      String message = "reading the database's state for revision " + o.desiredHash().substring(0, 8);
      condition(Conditions.READY, false, "Reconciling", "a new revision is being applied");
      condition(Conditions.RECONCILING, true, "NewRevision", message);
      condition(Conditions.STALLED, false, "NewRevision", "");
    }
    flush();
  }

  /** @return when to reconcile again */
  Duration record(Observation o, Step step) {
    start(o);
    Duration next = apply(o, step);
    flush();
    return next;
  }

  private Duration apply(Observation o, Step step) {
    if (step instanceof Step.Wait w) {
      progressing(w.reason(), w.message());
      return w.after();
    }
    if (step instanceof Step.Stall s) {
      condition(Conditions.READY, false, s.reason(), s.message());
      condition(Conditions.RECONCILING, false, s.reason(), "");
      condition(Conditions.STALLED, true, s.reason(), s.message());
      return SchemaDecision.driftInterval(o);
    }
    if (step instanceof Step.Unreadable u) {
      boolean saidAlready = Conditions.find(status.getConditions(), Conditions.READY).filter(c -> u.message().equals(c.getMessage())).isPresent();
      if (!saidAlready) {
        LOG.warn("DatabaseSchema {}/{} skipped: {}", schema.getMetadata().getNamespace(), schema.getMetadata().getName(), u.message());
        events.warning(schema, "ConfigurationInvalid", u.message());
      }
      condition(Conditions.READY, false, "ConfigurationInvalid", u.message());
      condition(Conditions.RECONCILING, false, "ConfigurationInvalid", "");
      condition(Conditions.STALLED, true, "ConfigurationInvalid", u.message());
      return Duration.ofSeconds(SchemaDefaults.DRIFT_CHECK_SECONDS);
    }
    if (step instanceof Step.Running r) {
      // The same words whether the Job was just started or is seen again, so seeing it again writes nothing.
      progressing(BackupJobBuilder.OPERATION.equals(r.operation()) ? "BackupRunning" : "MigrationRunning",
          r.operation() + " Job " + r.job() + " is running");
      return SchemaDecision.WAIT_FOR_JOB;
    }
    if (step instanceof Step.BackupAttempted b) {
      if (b.start().retryHandled() != null) {
        status.setHandledRetry(b.start().retryHandled());
      }
      if (b.backup() != null) {
        status.setLastBackup(b.backup());
      }
      return apply(o, b.outcome());
    }
    if (step instanceof Step.Attempted a) {
      started(o, a);
      return apply(o, a.outcome());
    }
    if (step instanceof Step.Queue q) {
      progressing("WaitingForLock", q.message());
      actions.queue(q.target(), schema);
      return SchemaDecision.WAIT_FOR_JOB;
    }
    if (step instanceof Step.AwaitApproval a) {
      boolean announced = a.planHash().equals(status.getPlanHash());
      status.setPlanHash(a.planHash());
      condition(Conditions.APPROVAL_PENDING, true, "ApprovalRequired", a.message());
      condition(Conditions.READY, false, "ApprovalPending", a.message());
      condition(Conditions.RECONCILING, false, "ApprovalPending", "");
      condition(Conditions.STALLED, false, "ApprovalPending", "");
      if (!announced) {
        events.normal(schema, "ApprovalRequired", a.message());
      }
      return SchemaDecision.driftInterval(o);
    }
    if (step instanceof Step.UpToDate u) {
      upToDate(u);
      return u.next();
    }
    // Start, ReadDatabase and CheckDrift are acted on before anything is recorded.
    throw new IllegalStateException("not a step that ends a reconcile: " + step);
  }

  private void started(Observation o, Step.Attempted a) {
    Step.Start start = a.start();
    if (start.retryHandled() != null) {
      status.setHandledRetry(start.retryHandled());
    }
    if (start.clearFailure()) {
      status.setFailure(null);
    }
    if (start.approvedPlan() != null) {
      condition(Conditions.APPROVAL_PENDING, false, "Approved", "plan " + start.approvedPlan() + " approved");
    }
    if (a.run() != null) {
      status.setLastRun(a.run());
      if (start.operation() == Operation.repair) {
        status.setHandledRepair(o.annotation(Annotations.REPAIR));
      }
    }
  }

  private void upToDate(Step.UpToDate u) {
    status.setPending(List.of());
    status.setPlanHash(null);
    status.setFindings(List.of());
    boolean wasDrifted = Conditions.isTrue(status.getConditions(), Conditions.DRIFTED);
    boolean hasDrifted = Conditions.find(status.getConditions(), Conditions.DRIFTED).isPresent();
    if (u.validatedByJob() && wasDrifted) {
      condition(Conditions.DRIFTED, false, "NoDrift", "the migration Job validated the applied scripts against the database's history");
    } else if (u.drift() != null && u.drift().known()) {
      if (u.drift().problem() != null) {
        condition(Conditions.DRIFTED, true, "DriftDetected", u.drift().problem());
        if (!wasDrifted) {
          events.warning(schema, "Drifted", u.drift().problem());
        }
      } else if (hasDrifted) {
        condition(Conditions.DRIFTED, false, "NoDrift", "applied scripts match the database's history");
      }
    }
    String version = status.getCurrentVersion() == null ? "(empty)" : status.getCurrentVersion();
    condition(Conditions.READY, true, "UpToDate", "database is at version " + version + " with nothing pending");
    condition(Conditions.RECONCILING, false, "UpToDate", "");
    condition(Conditions.STALLED, false, "UpToDate", "");
    if (Conditions.find(status.getConditions(), Conditions.APPROVAL_PENDING).isPresent()) {
      condition(Conditions.APPROVAL_PENDING, false, "UpToDate", "");
    }
  }

  /** Work in progress that heals by itself. */
  private void progressing(String reason, String message) {
    condition(Conditions.READY, false, reason, message);
    condition(Conditions.RECONCILING, true, reason, message);
    condition(Conditions.STALLED, false, reason, "");
  }

  /** Takes the observation's facts, keeps the conditions this reconcile already set, and announces a finished run once. */
  private void start(Observation o) {
    status = StatusFacts.copy(o.status());
    status.setObservedGeneration(generation);
    if (conditions != null) {
      status.setConditions(conditions);
    }
    if (o.finished() != null && !finishedAnnounced) {
      finishedAnnounced = true;
      announce(o, o.finished());
    }
    if (!backupAnnounced && backupJustFinished(schema.getStatus(), status)) {
      backupAnnounced = true;
      LastBackup backup = status.getLastBackup();
      if (backup.getResult() == RunResult.Succeeded) {
        events.normal(schema, "BackedUp", "dumped the database at version " + (backup.getVersion() == null ? "(none)" : backup.getVersion())
            + " to " + backup.getFile() + " (" + backup.getBytes() + " bytes) before migrating");
      } else {
        events.warning(schema, "BackupFailed", backup.getMessage());
      }
    }
  }

  /** The backup stored status names as running has ended in this observation. */
  private static boolean backupJustFinished(DatabaseSchemaStatus stored, DatabaseSchemaStatus now) {
    LastBackup before = stored == null ? null : stored.getLastBackup();
    LastBackup after = now.getLastBackup();
    return before != null && after != null && before.getResult() == RunResult.Running && after.getResult() != RunResult.Running
        && java.util.Objects.equals(before.getJob(), after.getJob());
  }

  private void announce(Observation o, Observation.FinishedRun finished) {
    MigrationResult result = finished.result();
    LastRun run = status.getLastRun();
    if (result.success() && finished.operation() == Operation.migrate) {
      long millis = Duration.between(Instant.parse(run.getStartTime()), Instant.parse(run.getCompletionTime())).toMillis();
      events.normal(schema, "Migrated", (result.applied().isEmpty() ? "nothing to apply" : "applied "
          + String.join(", ", run.getApplied())) + " in " + millis + " ms; now at version " + result.currentVersion());
      if (finished.job() != null) {
        actions.pruneOldScripts(schema, finished.job(), o.jobs(), context.getClient());
      }
    } else if (result.success()) {
      events.normal(schema, "Repaired", "repaired the schema history; now at version " + result.currentVersion());
    } else {
      MigrationFailure f = result.failure();
      String script = f == null || f.script() == null ? "" : f.script() + ": ";
      events.warning(schema, "MigrationFailed", script + (f == null ? "the run failed" : f.message()));
    }
  }

  private void condition(String type, boolean value, String reason, String message) {
    status.setConditions(Conditions.with(status.getConditions(), type, value, reason, message, generation));
    conditions = status.getConditions();
  }

  private void flush() {
    DatabaseSchema updated = writer.write(latest, written, status);
    conditions = status.getConditions();
    if (updated != null) {
      written = StatusFacts.copy(status);
      // The next reconcile starts from what was written here, even before the informer has it.
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, latest);
      latest = updated;
    }
  }
}
