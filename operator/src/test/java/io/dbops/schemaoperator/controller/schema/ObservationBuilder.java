package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.ConnectionResolver.Resolved;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.controller.schema.Observation.ActiveRun;
import io.dbops.schemaoperator.controller.schema.Observation.FinishedRun;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.Backup;
import io.dbops.schemaoperator.model.DestructivePolicy;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.Policy;
import io.dbops.schemaoperator.model.Transaction;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseConnectionStatus;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Failure;
import io.dbops.schemaoperator.model.ImageSource;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Observations for decision tests: a Ready connection, one inline script, nothing read yet, unless told otherwise. */
final class ObservationBuilder {
  static final String HASH = "a".repeat(64);
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  private final DatabaseSchema schema = new DatabaseSchema();
  private DatabaseConnection connection = connection("Connected", true);
  private Observation.ConfigMapProblem configMapProblem;
  private Lookup<Resolved> access = Lookup.of(new Resolved(
      new ConnectionSettings(Engine.POSTGRES, "db.team-a.svc", 5432, "app", null, null, Map.of(), false), Login.of("app", "pw")));
  private final DatabaseSchemaStatus status = new DatabaseSchemaStatus();
  private boolean newRevision;
  private ActiveRun active;
  private FinishedRun finished;
  private String lastRunHash;
  private String lockHolder;
  private MigrationResult database;
  private DriftVerdict drift;
  private WorkloadPolicy.Refusal jobRefused;
  private List<DestructiveChange> findings = List.of();

  ObservationBuilder() {
    schema.setMetadata(new ObjectMetaBuilder().withName("app-schema").withNamespace("team-a").withGeneration(1L).build());
    DatabaseSchemaSpec spec = new DatabaseSchemaSpec();
    ConnectionRef ref = new ConnectionRef();
    ref.setName("app-db");
    spec.setConnectionRef(ref);
    Migrations migrations = new Migrations();
    InlineMigration v1 = new InlineMigration();
    v1.setName("V1__create_users.sql");
    v1.setSql("CREATE TABLE users (id INT);");
    migrations.setInline(List.of(v1));
    spec.setMigrations(migrations);
    schema.setSpec(spec);
    status.setDesiredHash(HASH);
  }

  ObservationBuilder noConnection() {
    connection = null;
    return this;
  }

  ObservationBuilder connectionNotReady(String reason) {
    connection = connection(reason, false);
    return this;
  }

  ObservationBuilder accessMissing(String reason) {
    access = Lookup.missing(reason, "it is missing");
    return this;
  }

  ObservationBuilder missingConfigMap(String name) {
    configMapProblem = Observation.ConfigMapProblem.missing(name);
    return this;
  }

  ObservationBuilder unusableConfigMap(String reason) {
    configMapProblem = new Observation.ConfigMapProblem(reason, "ConfigMap app-migrations holds scripts where they are not read");
    return this;
  }

  ObservationBuilder running(String job) {
    active = new ActiveRun(job, "migrate");
    return this;
  }

  ObservationBuilder uid(String uid) {
    schema.getMetadata().setUid(uid);
    return this;
  }

  ObservationBuilder newRevision() {
    newRevision = true;
    return this;
  }

  ObservationBuilder database(MigrationResult state) {
    database = state;
    return this;
  }

  ObservationBuilder drift(DriftVerdict verdict) {
    drift = verdict;
    return this;
  }

  ObservationBuilder manual(String approval) {
    schema.getSpec().setApproval(Approval.Manual);
    return approval == null ? this : annotate("dbops.io/approve", approval);
  }

  ObservationBuilder annotate(String key, String value) {
    schema.getMetadata().setAnnotations(Map.of(key, value));
    return this;
  }

  ObservationBuilder fromImage() {
    ImageSource image = new ImageSource();
    image.setRef("ghcr.io/acme/app:1.4.2");
    schema.getSpec().getMigrations().setInline(List.of());
    schema.getSpec().getMigrations().setImage(image);
    return this;
  }

  /** The last run of this schema failed {@code ago}, on attempt {@code attempt}. */
  ObservationBuilder lastRunFailed(boolean transientError, int attempt, Duration ago) {
    status.setLastRun(run(RunResult.Failed, attempt, NOW.minus(ago), HASH));
    Failure failure = new Failure();
    failure.setScript("V2__add_orders.sql");
    failure.setMessage("relation \"orders\" already exists");
    failure.setTransient(transientError);
    status.setFailure(failure);
    return this;
  }

  /** The failed run was recorded in this very reconcile, from a result without the history. */
  ObservationBuilder justFailedWithoutHistory() {
    MigrationResult result = MigrationResult.failed(Operation.migrate, new MigrationFailure(FailureReason.MigrationFailed,
        "2", "V2__add_orders.sql", "42P07", "relation \"orders\" already exists", false, null));
    finished = new FinishedRun(status.getLastRun().getJob(), Operation.migrate, result, null, HASH);
    return this;
  }

  ObservationBuilder lastRunSucceeded(String hash) {
    status.setLastRun(run(RunResult.Succeeded, 1, NOW.minusSeconds(60), hash));
    lastRunHash = hash;
    return this;
  }

  /** The migrate Job of this revision finished a moment ago, reporting nothing pending and its history. */
  ObservationBuilder justSucceeded() {
    List<AppliedScript> history = List.of(new AppliedScript("1", "create users", "SQL", "V1__create_users.sql", 7, 3,
        "2026-12-02T11:59:00Z", true));
    MigrationResult result = new MigrationResult(Operation.migrate, true, "1", history, List.of(), history, List.of(), null);
    finished = new FinishedRun("app-schema-aaaaaa-1", Operation.migrate, result, null, HASH);
    return lastRunSucceeded(HASH);
  }

  ObservationBuilder jobRefused(String reason) {
    jobRefused = new WorkloadPolicy.Refusal(reason, "not allowed by the operator's settings");
    return this;
  }

  ObservationBuilder findings(DestructiveChange... found) {
    findings = List.of(found);
    return this;
  }

  ObservationBuilder destructive(DestructivePolicy policy) {
    Policy p = new Policy();
    p.setDestructive(policy);
    schema.getSpec().setPolicy(p);
    return this;
  }

  ObservationBuilder transaction(Transaction mode) {
    schema.getSpec().setTransaction(mode);
    return this;
  }

  ObservationBuilder engine(Engine engine) {
    connection.getSpec().setEngine(engine);
    return this;
  }

  ObservationBuilder backupBeforeMigrate() {
    Backup backup = new Backup();
    backup.setBeforeMigrate(true);
    backup.setClaimName("db-backups");
    schema.getSpec().setBackup(backup);
    return this;
  }

  /** status.lastBackup: a backup of revision {@code hash} that ended as {@code result}. */
  ObservationBuilder lastBackup(RunResult result, String hash) {
    LastBackup backup = new LastBackup();
    backup.setJob("app-schema-" + hash.substring(0, 6) + "-backup-1");
    backup.setDesiredHash(hash);
    backup.setResult(result);
    backup.setMessage(result == RunResult.Failed ? "backup Job failed: pg_dump: error: permission denied for table users" : null);
    status.setLastBackup(backup);
    return this;
  }

  ObservationBuilder backupRunning(String job) {
    active = new ActiveRun(job, "backup");
    return lastBackup(RunResult.Running, HASH);
  }

  ObservationBuilder waitingForLock(String holder) {
    status.setConditions(Conditions.with(List.of(), Conditions.READY, false, "WaitingForLock", holder, 1L));
    lockHolder = holder;
    return this;
  }

  Observation build() {
    if (connection == null || !SchemaDecision.ready(connection) || configMapProblem != null) {
      return Observation.inputsOnly(schema, NOW, connection, configMapProblem);
    }
    return new Observation(schema, NOW, connection, null, access, Map.of(), HASH, "target", newRevision, status, active,
        finished, List.of(), lastRunHash, status.getLastRun() == null ? 0 : status.getLastRun().getAttempt(), lockHolder,
        database, drift, jobRefused, findings);
  }

  private static LastRun run(RunResult result, int attempt, Instant completed, String hash) {
    LastRun run = new LastRun();
    run.setJob("app-schema-" + hash.substring(0, 6) + "-" + attempt);
    run.setOperation("migrate");
    run.setAttempt(attempt);
    run.setDesiredHash(hash);
    run.setResult(result);
    run.setStartTime(completed.minusSeconds(5).toString());
    run.setCompletionTime(completed.toString());
    return run;
  }

  private static DatabaseConnection connection(String reason, boolean ready) {
    DatabaseConnection c = new DatabaseConnection();
    c.setMetadata(new ObjectMetaBuilder().withName("app-db").withNamespace("team-a").build());
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.POSTGRES);
    spec.setHost("db.team-a.svc");
    spec.setDatabase("app");
    c.setSpec(spec);
    DatabaseConnectionStatus status = new DatabaseConnectionStatus();
    status.setConditions(Conditions.with(List.of(), Conditions.READY, ready, reason, "probed", 1L));
    c.setStatus(status);
    return c;
  }
}
