package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.DestructiveChange.Kind;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.model.DestructivePolicy;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.model.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema controller's decision, one row per situation: what was observed, and the step that
 * follows with the condition reason it carries. Every reason of README's condition table has a row.
 * No cluster, no database: the decision is a function of the observation.
 */
class SchemaDecisionTest {
  private static final PendingScript V2 = new PendingScript("2", "add orders", "SQL", "V2__add_orders.sql", 42);
  private static final AppliedScript V1 = new AppliedScript("1", "create users", "SQL", "V1__create_users.sql", 7, 3,
      "2026-12-01T10:00:00Z", true);

  static Stream<Arguments> situations() {
    return Stream.of(
        row("the connection does not exist", o -> o.noConnection(), "Wait", "ConnectionNotFound"),
        row("the connection is not Ready", o -> o.connectionNotReady("Unreachable"), "Wait", "ConnectionNotReady"),
        row("the login Secret is missing", o -> o.accessMissing("SecretNotFound"), "Wait", "ConnectionNotReady"),
        row("the connection's parameters are invalid", o -> o.accessMissing("ConfigurationInvalid"), "Stall", "ConfigurationInvalid"),
        row("a named ConfigMap is missing", o -> o.missingConfigMap("app-migrations"), "Stall", "ConfigMapNotFound"),
        row("a named ConfigMap holds scripts under binaryData", o -> o.unusableConfigMap("ConfigurationInvalid"), "Stall",
            "ConfigurationInvalid"),
        row("a Job of this schema is running", o -> o.running("app-schema-aaaaaa-1"), "Running", "MigrationRunning"),
        row("nothing is known about the database yet (a new revision too)", o -> o.newRevision(), "ReadDatabase", "Reconciling"),
        row("the database cannot be reached", o -> o.database(failed(FailureReason.Unreachable, true)), "Wait", "Unreachable"),
        row("the database read finds the spec invalid", o -> o.database(failed(FailureReason.ConfigurationInvalid, false)),
            "Stall", "ConfigurationInvalid"),
        row("a script below the applied version was never applied, outOfOrder off", o -> o.database(failed(FailureReason.ScriptOutOfOrder,
            false)), "Stall", "ScriptOutOfOrder"),
        row("something is pending", o -> o.database(state(List.of(V1), List.of(V2))), "Start", "MigrationRunning"),
        row("nothing is pending and drift is not checked yet", o -> o.database(state(List.of(V1), List.of())), "CheckDrift", "UpToDate"),
        row("nothing is pending and nothing drifted", o -> o.database(state(List.of(V1), List.of())).drift(new DriftVerdict(true, null)),
            "UpToDate", "UpToDate"),
        row("a migrate Job succeeded for this revision a moment ago", o -> o.justSucceeded(), "UpToDate", "UpToDate"),
        row("Manual approval and no approval yet", o -> o.manual(null).database(state(List.of(V1), List.of(V2))),
            "AwaitApproval", "ApprovalPending"),
        row("Manual approval naming this very plan", o -> o.manual(SchemaDecision.planHash(ObservationBuilder.HASH, List.of(V2)))
            .database(state(List.of(V1), List.of(V2))), "Start", "MigrationRunning"),
        row("a script failed", o -> o.lastRunFailed(false, 1, Duration.ofSeconds(1)), "Stall", "MigrationFailed"),
        row("a script failed just now and its result had no room for the history", o -> o.lastRunFailed(false, 1,
            Duration.ofSeconds(1)).justFailedWithoutHistory(), "ReadDatabase", "Reconciling"),
        row("a script failed just now and the database was read", o -> o.lastRunFailed(false, 1, Duration.ofSeconds(1))
            .justFailedWithoutHistory().database(state(List.of(V1), List.of(V2))), "Stall", "MigrationFailed"),
        row("a transient failure, retry not due", o -> o.lastRunFailed(true, 1, Duration.ofSeconds(1)), "Wait", "RetryScheduled"),
        row("a transient failure, retry due", o -> o.lastRunFailed(true, 1, Duration.ofSeconds(11)), "Start", "MigrationRunning"),
        row("transient failures beyond retry.limit", o -> o.lastRunFailed(true, 6, Duration.ofHours(1)), "Stall", "RetriesExhausted"),
        row("a failed script and a new dbops.io/retry value", o -> o.lastRunFailed(false, 1, Duration.ofSeconds(1))
            .annotate(Annotations.RETRY, "1"), "Start", "MigrationRunning"),
        row("a failed script and a new dbops.io/repair value", o -> o.lastRunFailed(false, 1, Duration.ofSeconds(1))
            .annotate(Annotations.REPAIR, "1"), "Start", "MigrationRunning"),
        row("the history holds a failed row", o -> o.database(state(List.of(failedRow()), List.of(V2))), "Stall", "RepairNeeded"),
        row("another resource migrates the same database and schema", o -> o.waitingForLock("another resource migrates"),
            "Queue", "WaitingForLock"),
        row("a Job would be started, but its image is not allowed", o -> o.fromImage().jobRefused("ImageNotAllowed"),
            "Stall", "ImageNotAllowed"),
        row("a Job would be started, but its ServiceAccount is not allowed", o -> o.database(state(List.of(V1), List.of(V2)))
            .jobRefused("ServiceAccountNotAllowed"), "Stall", "ServiceAccountNotAllowed"),
        row("nothing to start, and the settings would refuse a Job", o -> o.database(state(List.of(V1), List.of()))
            .drift(new DriftVerdict(true, null)).jobRefused("ServiceAccountNotAllowed"), "UpToDate", "UpToDate"),
        row("scripts in an image, already applied for this revision", o -> o.fromImage().lastRunSucceeded(ObservationBuilder.HASH),
            "UpToDate", "UpToDate"),
        row("scripts in an image, applied for an earlier revision", o -> o.fromImage().lastRunSucceeded("b".repeat(64)),
            "Start", "MigrationRunning"),
        // spec.policy.destructive
        row("a pending script drops a table and the policy is Allow (the default)", o -> pendingDrop(o),
            "Start", "MigrationRunning"),
        row("a pending script drops a table and the policy is Refuse", o -> pendingDrop(o).destructive(DestructivePolicy.Refuse),
            "Stall", "DestructiveChange"),
        row("a pending script the parser cannot read and the policy is Refuse", o -> o.database(state(List.of(V1), List.of(V2)))
            .findings(new DestructiveChange(Kind.Unparsed, "V2__add_orders.sql", 1, "CREATE EXTENSION x"))
            .destructive(DestructivePolicy.Refuse), "Stall", "DestructiveChange"),
        row("a pending script drops a table, RequireApproval, no approval yet", o -> pendingDrop(o)
            .destructive(DestructivePolicy.RequireApproval), "AwaitApproval", "ApprovalPending"),
        row("a pending script drops a table, RequireApproval, this plan approved", o -> pendingDrop(o)
            .destructive(DestructivePolicy.RequireApproval).annotate(Annotations.APPROVE,
                SchemaDecision.planHash(ObservationBuilder.HASH, List.of(V2))), "Start", "MigrationRunning"),
        row("RequireApproval and nothing destructive pending", o -> o.database(state(List.of(V1), List.of(V2)))
            .destructive(DestructivePolicy.RequireApproval), "Start", "MigrationRunning"),
        row("Refuse with scripts in an image the operator cannot read", o -> o.fromImage().destructive(DestructivePolicy.Refuse),
            "Stall", "ConfigurationInvalid"),
        // spec.transaction
        row("transaction All on a MariaDB connection", o -> o.engine(Engine.MARIADB).transaction(Transaction.All),
            "Stall", "ConfigurationInvalid"),
        row("transaction All on a PostgreSQL connection with something pending", o -> o.transaction(Transaction.All)
            .database(state(List.of(V1), List.of(V2))), "Start", "MigrationRunning"),
        // spec.backup
        row("backup before migrate, none taken for this revision", o -> o.backupBeforeMigrate()
            .database(state(List.of(V1), List.of(V2))), "StartBackup", "BackupRunning"),
        row("backup before migrate, the last one was for an earlier revision", o -> o.backupBeforeMigrate()
            .lastBackup(RunResult.Succeeded, "b".repeat(64)).database(state(List.of(V1), List.of(V2))), "StartBackup", "BackupRunning"),
        row("a backup Job of this schema is running", o -> o.backupBeforeMigrate().backupRunning("app-schema-aaaaaa-backup-1"),
            "Running", "BackupRunning"),
        row("the backup for this revision succeeded", o -> o.backupBeforeMigrate().lastBackup(RunResult.Succeeded, ObservationBuilder.HASH)
            .database(state(List.of(V1), List.of(V2))), "Start", "MigrationRunning"),
        row("the backup for this revision failed", o -> o.backupBeforeMigrate().lastBackup(RunResult.Failed, ObservationBuilder.HASH)
            .database(state(List.of(V1), List.of(V2))), "Stall", "BackupFailed"),
        row("the backup failed and a new dbops.io/retry value", o -> o.backupBeforeMigrate()
            .lastBackup(RunResult.Failed, ObservationBuilder.HASH).annotate(Annotations.RETRY, "2")
            .database(state(List.of(V1), List.of(V2))), "StartBackup", "BackupRunning"),
        row("a transient migration failure is retried after the revision's backup, without another", o -> o.backupBeforeMigrate()
            .lastBackup(RunResult.Succeeded, ObservationBuilder.HASH).lastRunFailed(true, 1, Duration.ofSeconds(11)),
            "Start", "MigrationRunning"),
        row("a repair needs no backup", o -> o.backupBeforeMigrate().lastRunFailed(false, 1, Duration.ofSeconds(1))
            .annotate(Annotations.REPAIR, "1"), "Start", "MigrationRunning"),
        row("nothing pending needs no backup", o -> o.backupBeforeMigrate().database(state(List.of(V1), List.of()))
            .drift(new DriftVerdict(true, null)), "UpToDate", "UpToDate"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void eachSituationLeadsToOneStepWithItsReason(String situation, UnaryOperator<ObservationBuilder> given, String step, String reason) {
    Step decided = SchemaDecision.decide(given.apply(new ObservationBuilder()).build());

    assertThat(decided.getClass().getSimpleName()).as(situation).isEqualTo(step);
    assertThat(reasonOf(decided)).as(situation).isEqualTo(reason);
  }

  @Test
  void aSchemaFoundUpToDateIsCheckedAgainAtItsOwnOffsetWithinTheDriftInterval() {
    UnaryOperator<ObservationBuilder> upToDate = o -> o.database(state(List.of(V1), List.of())).drift(new DriftVerdict(true, null));

    Step.UpToDate first = (Step.UpToDate) SchemaDecision.decide(upToDate.apply(new ObservationBuilder().uid("uid-1")).build());
    Step.UpToDate second = (Step.UpToDate) SchemaDecision.decide(upToDate.apply(new ObservationBuilder().uid("uid-2")).build());

    Duration interval = Duration.ofSeconds(300);
    assertThat(first.next()).isEqualTo(DriftSchedule.untilNext("uid-1", interval, ObservationBuilder.NOW))
        .isBetween(interval.dividedBy(2), interval.multipliedBy(3).dividedBy(2));
    assertThat(second.next()).as("another schema, another offset").isNotEqualTo(first.next());
  }

  /**
   * The Ready reason a step ends in. Start becomes MigrationRunning once its Job exists; ReadDatabase
   * first writes Reconciling (for a new revision); CheckDrift ends UpToDate whatever it finds.
   */
  private static String reasonOf(Step step) {
    if (step instanceof Step.Wait w) {
      return w.reason();
    }
    if (step instanceof Step.Stall s) {
      return s.reason();
    }
    if (step instanceof Step.Running r && "backup".equals(r.operation()) || step instanceof Step.StartBackup) {
      return "BackupRunning";
    }
    if (step instanceof Step.Running || step instanceof Step.Start) {
      return "MigrationRunning";
    }
    if (step instanceof Step.Queue) {
      return "WaitingForLock";
    }
    if (step instanceof Step.AwaitApproval) {
      return "ApprovalPending";
    }
    if (step instanceof Step.ReadDatabase) {
      return "Reconciling";
    }
    return "UpToDate";
  }

  private static Arguments row(String situation, UnaryOperator<ObservationBuilder> given, String step, String reason) {
    return Arguments.of(situation, given, step, reason);
  }

  private static MigrationResult state(List<AppliedScript> history, List<PendingScript> pending) {
    return new MigrationResult(Operation.info, true, history.isEmpty() ? null : "1", List.of(), pending, history, List.of(), null);
  }

  private static MigrationResult failed(FailureReason reason, boolean transientError) {
    return MigrationResult.failed(Operation.info, new MigrationFailure(reason, null, null, null, "it failed", transientError, null));
  }

  private static ObservationBuilder pendingDrop(ObservationBuilder o) {
    return o.database(state(List.of(V1), List.of(V2))).findings(new DestructiveChange(Kind.DropTable, "V2__add_orders.sql", 2, "legacy"));
  }

  private static AppliedScript failedRow() {
    return new AppliedScript("1", "create users", "SQL", "V1__create_users.sql", 7, 3, "2026-12-01T10:00:00Z", false);
  }
}
