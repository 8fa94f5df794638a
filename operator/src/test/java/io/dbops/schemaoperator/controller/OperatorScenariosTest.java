package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.testing.CuttableProxy;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.ConcurrentHashMap;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole operator against the mock API server, with a fake Job controller that runs each Job's
 * real `migrate` against a real PostgreSQL. Each scenario has a namespace, a database and an
 * operator of its own; the world checks, after the last one, that nothing leaked a secret and that
 * the chart's RBAC allows every request the operator made.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorScenariosTest {
  /** Every status the operator writes during a scenario is checked the way Flux and Argo CD read it. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("t").withStatusTrail();
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "Op3rator-Secret-Pa55";
  private static final String WRONG_PASSWORD = "Wr0ng-Secret-Pa55";

  private static EmbeddedPostgres postgres;
  private static FakeJobController jobs;
  private KubernetesClient client;
  private String ns;
  private Namespace k8s;
  private String database;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
    jobs = world.jobs();
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    ns = world.namespace();
    database = "app_" + ns;
    client = world.client();
    k8s = world.k8s();
  }

  @Test
  @Order(1)
  void quickstartIsAppliedByOneJobAndReportedReady() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of());

    awaitSchemaReady("app-schema");

    DatabaseSchema schema = k8s.schema("app-schema");
    assertThat(schema.getStatus().getCurrentVersion()).isEqualTo("3");
    assertThat(schema.getStatus().getObservedGeneration()).isEqualTo(schema.getMetadata().getGeneration());
    assertThat(schema.getStatus().getLastRun().getResult()).isEqualTo(RunResult.Succeeded);
    assertThat(schema.getStatus().getLastRun().getApplied()).contains("1", "2", "3");
    assertThat(schema.getStatus().getHistory()).extracting(h -> h.getVersion()).contains("1", "2", "3");
    assertThat(tables()).contains("users", "orders");
    List<Job> created = k8s.jobs();
    assertThat(created).hasSize(1);
    assertThat(k8s.events("Migrated")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("1, 2, 3"));
    List<EnvVar> env = created.get(0).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env).filteredOn(e -> e.getName().equals("DBOPS_PASSWORD"))
        .singleElement().satisfies(e -> {
          assertThat(e.getValue()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-db");
        });
    assertThat(condition(k8s.connection("app-db"), Conditions.READY).getReason()).isEqualTo("Connected");
    assertThat(world.statusTrail().versionsSeen()).as("statuses the trail will check").isGreaterThan(3);
  }

  @Test
  @Order(2)
  void anAddedMigrationIsAppliedByASecondJob() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of());
    awaitSchemaReady("app-schema");

    DatabaseSchema schema = k8s.schema("app-schema");
    schema.getSpec().getMigrations().getInline().add(
        new io.dbops.schemaoperator.model.InlineMigration("V4__add_phone.sql", "ALTER TABLE users ADD COLUMN phone TEXT;"));
    client.resource(schema).update();

    Eventually.await("version 4 applied", CONVERGE, () -> "4".equals(k8s.schema("app-schema").getStatus().getCurrentVersion())
        && Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.READY));
    assertThat(k8s.jobs()).hasSize(2);
    assertThat(k8s.schema("app-schema").getStatus().getLastRun().getApplied()).containsExactly("4");
    assertThat(columns("users")).contains("phone");
    String current = k8s.jobs().stream().filter(j -> j.getMetadata().getName().equals(
        k8s.schema("app-schema").getStatus().getLastRun().getJob())).findFirst().orElseThrow()
        .getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
        .findFirst().orElseThrow().getConfigMap().getName();
    Eventually.await("the first revision's scripts ConfigMap removed", CONVERGE, () -> client.configMaps().inNamespace(ns)
        .withLabel("app.kubernetes.io/name", "schema-operator-scripts").list().getItems().stream()
        .map(cm -> cm.getMetadata().getName()).toList().equals(List.of(current)));
  }

  @Test
  @Order(2)
  void aScriptBelowTheAppliedVersionStallsUntilOutOfOrderIsAllowed() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of());
    awaitSchemaReady("app-schema");

    DatabaseSchema schema = k8s.schema("app-schema");
    schema.getSpec().getMigrations().getInline().add(
        new io.dbops.schemaoperator.model.InlineMigration("V2_5__add_phone.sql", "ALTER TABLE users ADD COLUMN phone TEXT;"));
    client.resource(schema).update();

    Eventually.await("stalled: V2_5 would never run", CONVERGE, () -> Conditions.isTrue(
        k8s.schema("app-schema").getStatus().getConditions(), Conditions.STALLED));
    Condition ready = condition(k8s.schema("app-schema"), Conditions.READY);
    assertThat(ready.getReason()).isEqualTo("ScriptOutOfOrder");
    assertThat(ready.getMessage()).contains("V2_5__add_phone.sql", "below the database's version 3", "spec.outOfOrder: true");
    world.reconcileAgain("app-schema");
    assertThat(k8s.jobs()).as("no Job that validation would refuse").hasSize(1);
    assertThat(columns("users")).doesNotContain("phone");

    DatabaseSchema allowed = k8s.schema("app-schema");
    allowed.getSpec().setOutOfOrder(true);
    client.resource(allowed).update();
    Eventually.await("V2_5 applied out of order", CONVERGE, () -> Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(),
        Conditions.READY) && k8s.schema("app-schema").getStatus().getLastRun().getApplied().equals(List.of("2.5")));
    assertThat(k8s.schema("app-schema").getStatus().getCurrentVersion()).isEqualTo("3");
    assertThat(columns("users")).contains("phone");
  }

  @Test
  @Order(3)
  void afterARestartWithNothingPendingNoJobIsCreated() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of());
    awaitSchemaReady("app-schema");

    world.awaitCaughtUp(world.restartOperator());

    assertThat(k8s.jobs()).hasSize(1);
    assertThat(Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.READY)).isTrue();
  }

  @Test
  @Order(4)
  void manualApprovalWaitsForTheRightPlanHash() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of("approval", "Manual"));

    Eventually.await("approval pending", CONVERGE,
        () -> Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.APPROVAL_PENDING));
    DatabaseSchema waiting = k8s.schema("app-schema");
    String planHash = waiting.getStatus().getPlanHash();
    assertThat(planHash).isNotBlank();
    assertThat(waiting.getStatus().getPending()).extracting(p -> p.getScript())
        .contains("V1__create_users.sql", "V2__index_users_email.sql", "V3__create_orders.sql");
    assertThat(k8s.events("ApprovalRequired")).hasSize(1);
    assertThat(k8s.jobs()).isEmpty();

    world.awaitReconcileAfter(() -> k8s.annotate(DatabaseSchema.class, "app-schema", "dbops.io/approve", "0000stale000"));
    assertThat(k8s.jobs()).as("a stale approval runs nothing").isEmpty();

    k8s.annotate(DatabaseSchema.class, "app-schema", "dbops.io/approve", planHash);
    awaitSchemaReady("app-schema");
    assertThat(k8s.schema("app-schema").getStatus().getCurrentVersion()).isEqualTo("3");
    assertThat(k8s.jobs()).hasSize(1);
  }

  @Test
  @Order(5)
  void aMissingSecretIsHealedByCreatingIt() throws Exception {
    applyConnectionOnly();
    applyQuickstartSchema(Map.of());

    Eventually.await("connection says SecretNotFound", CONVERGE,
        () -> "SecretNotFound".equals(condition(k8s.connection("app-db"), Conditions.READY).getReason()));
    assertThat(condition(k8s.connection("app-db"), Conditions.READY).getMessage()).contains("app-db");
    Eventually.await("schema waits for its connection", CONVERGE,
        () -> "ConnectionNotReady".equals(condition(k8s.schema("app-schema"), Conditions.READY).getReason()));

    applySecret(PASSWORD);

    awaitSchemaReady("app-schema");
    assertThat(tables()).contains("users");
  }

  @Test
  @Order(6)
  void aWrongPasswordIsReportedWithoutTheSecret() throws Exception {
    applyConnection(WRONG_PASSWORD);
    applyQuickstartSchema(Map.of());

    Eventually.await("connection says AuthenticationFailed", CONVERGE,
        () -> "AuthenticationFailed".equals(condition(k8s.connection("app-db"), Conditions.READY).getReason()));
    Condition ready = condition(k8s.connection("app-db"), Conditions.READY);
    assertThat(ready.getMessage()).contains("credentials Secret").doesNotContain(WRONG_PASSWORD);
    assertThat(Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.STALLED)).isTrue();
    assertThat(k8s.events("ConnectionFailed")).isNotEmpty();
    Eventually.await("schema waits", CONVERGE,
        () -> "ConnectionNotReady".equals(condition(k8s.schema("app-schema"), Conditions.READY).getReason()));
    assertThat(k8s.jobs()).isEmpty();
  }

  @Test
  @Order(7)
  void aFailingScriptStallsUntilARetryIsAskedFor() throws Exception {
    applyConnection(PASSWORD);
    applySchema("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: broken}
        spec:
          connectionRef: {name: app-db}
          migrations:
            inline:
              - {name: V1__create_users.sql, sql: "CREATE TABLE users (id INT PRIMARY KEY);"}
              - {name: V2__broken.sql, sql: "CREATE TABLE users (id INT);"}
        """);

    Eventually.await("stalled on V2", CONVERGE, () -> Conditions.isTrue(k8s.schema("broken").getStatus().getConditions(), Conditions.STALLED));
    DatabaseSchema stalled = k8s.schema("broken");
    assertThat(condition(stalled, Conditions.READY).getReason()).isEqualTo("MigrationFailed");
    assertThat(stalled.getStatus().getFailure().getScript()).isEqualTo("V2__broken.sql");
    assertThat(stalled.getStatus().getFailure().getSqlState()).isEqualTo("42P07");
    assertThat(stalled.getStatus().getFailure().getTransient()).isFalse();
    assertThat(stalled.getStatus().getCurrentVersion()).isEqualTo("1");
    assertThat(stalled.getStatus().getHistory()).as("after a failure, the history someone debugging it looks at")
        .extracting(h -> h.getVersion() + " " + h.getSuccess()).containsExactly("1 true");
    assertThat(k8s.events("MigrationFailed")).hasSize(1);
    world.reconcileAgain("broken");
    assertThat(k8s.jobs()).as("no blind retries").hasSize(1);

    k8s.annotate(DatabaseSchema.class, "broken", "dbops.io/retry", "1");
    Eventually.await("a second Job for the retry", CONVERGE, () -> k8s.jobs().size() == 2);
    Eventually.await("stalled again", CONVERGE, () -> Conditions.isTrue(k8s.schema("broken").getStatus().getConditions(), Conditions.STALLED)
        && k8s.schema("broken").getStatus().getLastRun().getResult() == RunResult.Failed);

    DatabaseSchema fixed = k8s.schema("broken");
    fixed.getSpec().getMigrations().getInline().get(1).setSql("CREATE TABLE orders (id INT);");
    client.resource(fixed).update();
    awaitSchemaReady("broken");
    assertThat(k8s.schema("broken").getStatus().getCurrentVersion()).isEqualTo("2");
    assertThat(tables()).contains("orders");
  }

  @Test
  @Order(8)
  void aJobRunningDuringARestartIsAdoptedNotDuplicated() throws Exception {
    applyConnection(PASSWORD);
    jobs.pause();
    Set<String> whileRunning = ConcurrentHashMap.newKeySet();
    try (Watch watch = client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").watch(statuses(s ->
        Conditions.find(s.getConditions(), Conditions.READY).filter(c -> "MigrationRunning".equals(c.getReason())).isPresent(),
        whileRunning))) {
      applyQuickstartSchema(Map.of());
      Eventually.await("a Job exists", CONVERGE, () -> k8s.jobs().size() == 1);

      world.awaitCaughtUp(world.restartOperator());
      assertThat(k8s.jobs()).hasSize(1);
      assertThat(condition(k8s.schema("app-schema"), Conditions.READY).getReason()).isEqualTo("MigrationRunning");
      jobs.resume();
      awaitSchemaReady("app-schema");
    }
    assertThat(whileRunning).as("while its Job ran, the status was written once: seeing the Job again, after events or a"
        + " restart, rewrites nothing").hasSize(1);
    assertThat(k8s.jobs()).hasSize(1);
  }

  @Test
  @Order(9)
  void twoResourcesOnTheSameDatabaseAndSchemaRunOneAtATimeWhileOtherSchemasGoOn() throws Exception {
    applyConnection(PASSWORD);
    jobs.pause();
    // The same scripts applied twice, as when one application's schema is declared in two places.
    applySchema(simpleSchema("first", "shared", "V1__shared.sql", "CREATE TABLE shared_table (id INT);"));
    Eventually.await("first Job", CONVERGE, () -> k8s.jobs().size() == 1);
    applySchema(simpleSchema("second", "shared", "V1__shared.sql", "CREATE TABLE shared_table (id INT);"));
    applySchema(simpleSchema("other", "other", "V1__other.sql", "CREATE TABLE other_table (id INT);"));

    Eventually.await("second waits for the lock on schema shared", CONVERGE,
        () -> "WaitingForLock".equals(condition(k8s.schema("second"), Conditions.READY).getReason()));
    Eventually.await("a schema of its own does not wait", CONVERGE, () -> k8s.jobs().size() == 2);
    assertThat(k8s.jobs()).extracting(j -> j.getMetadata().getLabels().get("dbops.io/schema"))
        .containsExactlyInAnyOrder("first", "other");
    String home = ns;
    inNamespace(home + "-team-b", () -> {
      // Another team's namespace, its own connection to the same database and schema.
      applyConnection(PASSWORD);
      applySchema(simpleSchema("third", "shared", "V1__shared.sql", "CREATE TABLE shared_table (id INT);"));
      Eventually.await("a resource in another namespace waits too", CONVERGE,
          () -> "WaitingForLock".equals(condition(k8s.schema("third"), Conditions.READY).getReason()));
      // It learns that it waits, and not what another namespace holds.
      assertThat(condition(k8s.schema("third"), Conditions.READY).getMessage())
          .contains("a DatabaseSchema in another namespace").doesNotContain(home).doesNotContain("first");
      assertThat(k8s.jobs()).isEmpty();
    });
    jobs.resume();

    awaitSchemaReady("first");
    awaitSchemaReady("other");
    awaitSchemaReady("second");
    assertThat(k8s.schema("second").getStatus().getCurrentVersion()).isEqualTo("1");
    inNamespace(home + "-team-b", () -> awaitSchemaReady("third"));
    assertThat(sqlString("SELECT count(*)::text FROM pg_tables WHERE tablename IN ('shared_table', 'other_table')")).isEqualTo("2");
  }


  @Test
  @Order(10)
  void aJobPastItsDeadlineIsAFailureNotAHang() throws Exception {
    applyConnection(PASSWORD);
    jobs.pause();
    applyQuickstartSchema(Map.of());
    Eventually.await("a Job exists", CONVERGE, () -> k8s.jobs().size() == 1);

    jobs.exceedDeadline(k8s.jobs().get(0).getMetadata().getName());

    Eventually.await("stalled with the deadline named", CONVERGE, () -> Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.STALLED));
    assertThat(k8s.schema("app-schema").getStatus().getFailure().getMessage()).contains("DeadlineExceeded", "activeDeadlineSeconds");
  }

  @Test
  @Order(16)
  void aJobThatVanishesIsAFailureWithItsOwnReason() throws Exception {
    applyConnection(PASSWORD);
    jobs.pause();
    applyQuickstartSchema(Map.of());
    Eventually.await("a Job exists", CONVERGE, () -> k8s.jobs().size() == 1);

    client.batch().v1().jobs().inNamespace(ns).withName(k8s.jobs().get(0).getMetadata().getName()).delete();

    Eventually.await("stalled with JobVanished", CONVERGE,
        () -> Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.STALLED));
    assertThat(k8s.schema("app-schema").getStatus().getFailure().getMessage()).contains("JobVanished");
    k8s.annotate(DatabaseSchema.class, "app-schema", "dbops.io/retry", "after-vanish");
    jobs.resume();
    awaitSchemaReady("app-schema");
  }

  @Test
  @Order(11)
  void editingTheHistoryTableIsReportedAsDriftWithoutTouchingTheDatabase() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of("driftCheck", "{intervalSeconds: 30}"));
    awaitSchemaReady("app-schema");

    sql("UPDATE app.flyway_schema_history SET checksum = 12345 WHERE version = '2'");
    k8s.annotate(DatabaseSchema.class, "app-schema", "example.com/poke", "1");

    Eventually.await("Drifted", CONVERGE, () -> Conditions.isTrue(k8s.schema("app-schema").getStatus().getConditions(), Conditions.DRIFTED));
    assertThat(condition(k8s.schema("app-schema"), Conditions.DRIFTED).getMessage()).contains("2");
    assertThat(k8s.events("Drifted")).hasSize(1);
    assertThat(k8s.jobs()).as("drift runs nothing").hasSize(1);
    assertThat(sqlString("SELECT checksum::text FROM app.flyway_schema_history WHERE version = '2'")).isEqualTo("12345");
  }

  @Test
  @Order(12)
  void aLockTimeoutIsRetriedWithBackoffAndThenSucceeds() throws Exception {
    applyConnection(PASSWORD);
    Eventually.await("connection Ready (database created)", CONVERGE,
        () -> Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.READY));
    sql("CREATE TABLE busy (id INT)");
    sql("ALTER TABLE busy OWNER TO app");
    try (Connection holder = postgres.getDatabase("postgres", database).getConnection()) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
      }
      applySchema("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseSchema
          metadata: {name: waits}
          spec:
            connectionRef: {name: app-db}
            timeouts: {lockSeconds: 1}
            baseline: {onMigrate: true, version: "0"}
            migrations:
              inline:
                - {name: V1__alter_busy.sql, sql: "ALTER TABLE busy ADD COLUMN note TEXT;"}
          """);
      Eventually.await("a transient failure with a retry scheduled", CONVERGE,
          () -> "RetryScheduled".equals(condition(k8s.schema("waits"), Conditions.READY).getReason()));
      assertThat(k8s.schema("waits").getStatus().getFailure().getTransient()).isTrue();
      assertThat(Conditions.isTrue(k8s.schema("waits").getStatus().getConditions(), Conditions.STALLED)).isFalse();
      holder.rollback();
    }
    awaitSchemaReady("waits");
    assertThat(k8s.jobs()).hasSize(2);
    assertThat(columns("busy")).contains("note");
  }

  @Test
  @Order(13)
  void deletingASchemaWithRetainLeavesTheDatabaseAlone() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of());
    awaitSchemaReady("app-schema");

    client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").delete();

    Eventually.await("the resource is gone", CONVERGE, () -> k8s.schema("app-schema") == null);
    assertThat(tables()).contains("users", "orders", "flyway_schema_history");
  }

  @Test
  @Order(14)
  void deletingASchemaWithDropRunsAJobThatDropsItsSchemas() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of("deletionPolicy", "Drop"));
    awaitSchemaReady("app-schema");
    sql("CREATE TABLE public.not_ours (id INT)");

    client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").delete();

    Eventually.await("the resource is gone", CONVERGE, () -> k8s.schema("app-schema") == null);
    assertThat(sqlString("SELECT count(*)::text FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("0");
    assertThat(tables()).contains("not_ours");
    assertThat(k8s.events("Dropped")).hasSize(1);
    assertThat(k8s.jobs()).filteredOn(j -> "drop".equals(j.getMetadata().getLabels().get("dbops.io/operation"))).hasSize(1);
  }

  @Test
  @Order(15)
  void dropIsRefusedWhileAnotherResourceStillUsesTheSchema() throws Exception {
    applyConnection(PASSWORD);
    applyQuickstartSchema(Map.of("deletionPolicy", "Drop"));
    awaitSchemaReady("app-schema");
    applySchema("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: reports}
        spec:
          connectionRef: {name: app-db}
          schemas: [app]
          migrations:
            inline:
              - {name: V1__reports.sql, sql: "CREATE TABLE reports (id INT);"}
        """);
    Eventually.await("reports exists", CONVERGE, () -> k8s.schema("reports").getStatus() != null);

    client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").delete();

    Eventually.await("the resource is gone", CONVERGE, () -> k8s.schema("app-schema") == null);
    assertThat(k8s.events("DropRefused")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("reports", "untouched"));
    assertThat(sqlString("SELECT count(*)::text FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("1");
  }

  @Test
  @Order(17)
  void anUnreachableDatabaseIsRetriedWithBackoffThenStalledUntilAskedAgain() throws Exception {
    try (CuttableProxy network = CuttableProxy.to(postgres.getPort())) {
      applySecret(PASSWORD);
      // Probed once: the schema must meet the outage in its Job, not through the connection's next probe.
      applyConnectionOnly(network.port(), 3600);
      Eventually.await("connection Ready", CONVERGE,
          () -> Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.READY));
      jobs.pause();
      applySchema("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseSchema
          metadata: {name: orders}
          spec:
            connectionRef: {name: app-db}
            schemas: [orders]
            retry: {limit: 1}
            migrations:
              inline:
                - {name: V1__create_orders.sql, sql: "CREATE TABLE orders (id INT);"}
          """);
      Eventually.await("the first Job", CONVERGE, () -> k8s.jobs().size() == 1);

      network.cut();
      jobs.resume();

      Eventually.await("a retry scheduled after the first attempt", CONVERGE,
          () -> "RetryScheduled".equals(condition(k8s.schema("orders"), Conditions.READY).getReason()));
      assertThat(k8s.schema("orders").getStatus().getFailure().getTransient()).isTrue();
      Eventually.await("Stalled once the retry limit is used up", CONVERGE,
          () -> Conditions.isTrue(k8s.schema("orders").getStatus().getConditions(), Conditions.STALLED));
      assertThat(condition(k8s.schema("orders"), Conditions.STALLED).getReason()).isEqualTo("RetriesExhausted");
      assertThat(condition(k8s.schema("orders"), Conditions.STALLED).getMessage())
          .contains("cannot reach the database", "Gave up after 2 attempts", Annotations.RETRY)
          .doesNotContain("Fix the script", "..");
      assertThat(k8s.jobs()).as("one first attempt and one retry").hasSize(2);
      world.reconcileAgain("orders");
      assertThat(k8s.jobs()).as("no Job while Stalled").hasSize(2);

      network.restore();
      k8s.annotate(DatabaseSchema.class, "orders", Annotations.RETRY, "network-fixed");

      awaitSchemaReady("orders");
      assertThat(k8s.jobs()).hasSize(3);
      assertThat(sqlString("SELECT to_regclass('orders.orders')::text")).isEqualTo("orders.orders");
    }
  }

  @Test
  @Order(18)
  void migrationsInAnApplicationImageAreCopiedOutByTheInitContainerAndApplied() throws Exception {
    applyConnection(PASSWORD);
    // A path with a space, and a subdirectory: the init container's shell must quote and recurse.
    jobs.imageContents("ghcr.io/acme/billing:2.0.1", Map.of(
        "/app/db/billing migrations/V1__create_invoices.sql", "CREATE TABLE invoices (id BIGINT PRIMARY KEY);",
        "/app/db/billing migrations/V2__add_invoice_total.sql", "ALTER TABLE invoices ADD COLUMN total NUMERIC(12, 2);",
        "/app/db/billing migrations/views/R__invoice_totals.sql",
        "CREATE OR REPLACE VIEW invoice_totals AS SELECT coalesce(sum(total), 0) AS total FROM invoices;",
        "/app/db/V9__elsewhere_in_the_image.sql", "CREATE TABLE never_copied (id INT);"));
    applySchema("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: billing}
        spec:
          connectionRef: {name: app-db}
          schemas: [billing]
          migrations:
            image: {ref: "ghcr.io/acme/billing:2.0.1", path: "/app/db/billing migrations"}
        """);

    awaitSchemaReady("billing");
    DatabaseSchema schema = k8s.schema("billing");
    assertThat(schema.getStatus().getCurrentVersion()).isEqualTo("2");
    assertThat(schema.getStatus().getLastRun().getApplied()).contains("1", "2").hasSize(3);
    assertThat(columns("invoices")).contains("id", "total");
    assertThat(sqlString("SELECT to_regclass('billing.invoice_totals')::text")).isEqualTo("billing.invoice_totals");
    assertThat(sqlString("SELECT to_regclass('billing.never_copied')::text")).as("only the image's path is copied").isNull();
    assertThat(k8s.jobs()).singleElement().satisfies(job ->
        assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
            .satisfies(init -> assertThat(init.getImage()).isEqualTo("ghcr.io/acme/billing:2.0.1")));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void applyConnection(String password) {
    applySecret(password);
    applyConnectionOnly();
  }

  private void applySecret(String password) {
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", password));
  }

  private void applyConnectionOnly() {
    applyConnectionOnly(postgres.getPort(), 5);
  }

  private void applyConnectionOnly(int port, int healthCheckSeconds) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}
          healthCheck: {intervalSeconds: %d}
        """.formatted(port, database, healthCheckSeconds));
  }

  private void applyQuickstartSchema(Map<String, String> extraSpec) throws Exception {
    String yaml = Files.readString(Path.of("..", "examples", "quickstart", "schema.yaml"));
    StringBuilder extra = new StringBuilder();
    extraSpec.forEach((k, v) -> extra.append("  ").append(k).append(": ").append(v).append('\n'));
    applySchema(yaml.replace("spec:\n", "spec:\n" + extra));
  }

  /** Collects, as JSON, each distinct status of a watched resource that {@code matches}. */
  private static Watcher<DatabaseSchema> statuses(java.util.function.Predicate<DatabaseSchemaStatus> matches, Set<String> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, DatabaseSchema resource) {
        if (resource.getStatus() != null && matches.test(resource.getStatus())) {
          seen.add(Serialization.asJson(resource.getStatus()));
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Runs {@code scenario} as if the test's namespace were {@code other}. */
  private void inNamespace(String other, ThrowingRunnable scenario) throws Exception {
    String home = ns;
    ns = other;
    k8s = new Namespace(client, other);
    try {
      scenario.run();
    } finally {
      ns = home;
      k8s = new Namespace(client, home);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private void applySchema(String yaml) {
    k8s.create(yaml);
  }

  private static String simpleSchema(String name, String schema, String script, String sql) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: %s}
        spec:
          connectionRef: {name: app-db}
          schemas: [%s]
          migrations:
            inline:
              - {name: %s, sql: "%s"}
        """.formatted(name, schema, script, sql);
  }

  private void awaitSchemaReady(String name) {
    Eventually.await("DatabaseSchema " + name + " Ready", CONVERGE,
        () -> {
          DatabaseSchema s = k8s.schema(name);
          return Namespace.isReady(s);
        },
        () -> {
          DatabaseSchema s = k8s.schema(name);
          return s == null ? "no such schema" : "generation " + s.getMetadata().getGeneration() + ", status "
              + io.fabric8.kubernetes.client.utils.Serialization.asJson(s.getStatus()) + ", jobs "
              + k8s.jobs().stream().map(j -> j.getMetadata().getName() + " " + io.fabric8.kubernetes.client.utils.Serialization
                  .asJson(j.getStatus())).toList();
        });
  }

  private List<String> tables() throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
      return names;
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private String sqlString(String query) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private List<String> columns(String table) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection();
        ResultSet rs = c.getMetaData().getColumns(null, null, table, "%")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME"));
      }
      return names;
    }
  }
}
