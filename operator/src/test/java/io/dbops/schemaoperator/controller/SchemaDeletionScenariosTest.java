package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What deleting a DatabaseSchema does to data that is not only its own: a running Job is let finish,
 * a Drop never runs beside another resource's migration of the same schema, and a Drop is refused,
 * the data kept, while another DatabaseSchema uses the same schema on the same database, or when
 * the operator cannot tell whether it does. The operator is installed to watch two namespaces
 * (WATCH_NAMESPACES, with the chart's Roles there and nothing cluster-wide), so the world's RBAC
 * check shows that the still-used check needs no cluster-wide right; a refusal never names what
 * is in the other namespace.
 */
class SchemaDeletionScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String PASSWORD = "De1etion-Pa55-word";
  private static final String V1 = "{name: V1__create_items.sql, sql: \"CREATE TABLE items (id INT);\"}";
  private static final String V2 = "{name: V2__add_note.sql, sql: \"ALTER TABLE items ADD COLUMN note TEXT;\"}";

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("deleting").watching("a", "b").withStatefulSets().withStatusTrail()
      .converge(CONVERGE);
  private static EmbeddedPostgres postgres;
  private KubernetesClient client;
  private Namespace home;
  private Namespace neighbour;
  private String database;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
  }

  @BeforeEach
  void useTheScenariosNamespaces() {
    client = world.client();
    home = world.k8s(world.namespaces().get(0));
    neighbour = world.k8s(world.namespaces().get(1));
    database = "app_" + world.namespace();
  }

  @Test
  void aRunningJobIsWaitedForWithTheFinalizerKeptAndThenTheResourceGoes() throws Exception {
    applyConnection(home, "app-db");
    world.jobs().pause();
    applySchema(home, "app-schema", "app-db", "Retain", V1);
    Eventually.await("the migration Job", CONVERGE, () -> home.jobs().size() == 1);
    String job = home.jobs().get(0).getMetadata().getName();

    world.awaitReconcileAfter(() -> delete(home, "app-schema"));

    DatabaseSchema deleting = home.schema("app-schema");
    assertThat(deleting).as("kept while its Job runs").isNotNull();
    assertThat(deleting.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(deleting.getMetadata().getFinalizers()).isNotEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(home.name()).withName(job).get().getStatus())
        .as("the Job, untouched and still running").satisfiesAnyOf(s -> assertThat(s).isNull(),
            s -> assertThat(s.getCompletionTime()).isNull());

    world.jobs().resume();
    awaitGone(home, "app-schema");
    assertThat(client.batch().v1().jobs().inNamespace(home.name()).withName(job).get().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(sql("SELECT to_regclass('app.items')::text")).as("the run the deletion waited for completed").isEqualTo("app.items");
  }

  @Test
  void aDropWaitsUntilAnotherResourcesJobOnTheSameDatabaseAndSchemaHasFinished() throws Exception {
    applyConnection(home, "app-db");
    applySchema(home, "dropper", "app-db", "Drop", V1);
    awaitReady(home, "dropper");
    // Another resource migrates the same schema; it is being deleted itself (Retain), so it no
    // longer counts as a user of the schema, but its Job still runs.
    world.jobs().pause();
    applySchema(home, "keeper", "app-db", "Retain", V1, V2);
    Eventually.await("keeper's Job", CONVERGE, () -> jobOf(home, "keeper") != null);
    String keepersJob = jobOf(home, "keeper").getMetadata().getName();
    world.awaitReconcileAfter(() -> delete(home, "keeper"));

    world.awaitReconcileAfter(() -> delete(home, "dropper"));

    assertThat(dropJobs(home)).as("no drop while keeper's Job runs").isEmpty();
    assertThat(home.schema("dropper")).as("kept until it can drop").isNotNull();
    assertThat(home.events("DropRefused")).isEmpty();

    world.jobs().resume();
    awaitGone(home, "keeper");
    // The deletion looks again on a timer; now, instead of in half a minute.
    world.reconcileAgain("dropper");
    awaitGone(home, "dropper");
    assertThat(home.events("Dropped")).hasSize(1);
    assertThat(dropJobs(home)).hasSize(1);
    assertThat(sql("SELECT count(*)::text FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("0");
    List<ApiCall> log = world.requests();
    int keeperFinished = indexOf(log, c -> c.method().equals("PUT") && c.succeeded()
        && c.path().startsWith("/apis/batch/v1/namespaces/" + home.name() + "/jobs/" + keepersJob + "/status"));
    int dropCreated = indexOf(log, c -> c.method().equals("POST") && c.succeeded() && c.body() != null
        && c.path().startsWith("/apis/batch/v1/namespaces/" + home.name() + "/jobs") && c.body().contains("\"dbops.io/operation\":\"drop\""));
    assertThat(dropCreated).as("the drop Job created after keeper's Job finished (request %s and %s)", keeperFinished, dropCreated)
        .isGreaterThan(keeperFinished).isPositive();
  }

  @Test
  void dropIsRefusedWhileAnotherSchemaUsesTheSameSchemaOnTheSameManagedInstance() throws Exception {
    home.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: shared-db}
        spec:
          engine: postgres
          database: app
          createDatabase: true
          instance: {image: "postgres:16", storage: {size: 1Gi}}
        """);
    applySchema(home, "orders", "shared-db", "Drop", V1);
    applySchema(home, "billing", "shared-db", "Retain", V1);
    awaitReady(home, "orders");
    awaitReady(home, "billing");

    delete(home, "orders");

    awaitGone(home, "orders");
    assertThat(home.events("DropRefused")).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains("DatabaseSchema billing still uses schema app on the same database", "untouched"));
    assertThat(dropJobs(home)).isEmpty();
    assertThat(onInstance("shared-db", "SELECT to_regclass('app.items')::text")).isEqualTo("app.items");

    // The same database reached another way: an external connection to the instance's address.
    var address = world.statefulSets().addresses().of(home.connection("shared-db"));
    home.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: shared-db-direct}
        spec:
          engine: postgres
          host: %s
          port: %d
          database: app
          credentials: {secretName: shared-db-admin}
          tls: {mode: disable}
        """.formatted(address.host(), address.port()));
    applySchema(home, "invoices", "shared-db-direct", "Drop", V1);
    awaitReady(home, "invoices");

    delete(home, "invoices");

    awaitGone(home, "invoices");
    assertThat(home.events("DropRefused")).hasSize(2).anySatisfy(e -> assertThat(e.getMessage())
        .startsWith("DatabaseSchema billing still uses schema app on the same database").contains("untouched")
        .doesNotContain("orders"));
    assertThat(dropJobs(home)).isEmpty();
    assertThat(onInstance("shared-db", "SELECT to_regclass('app.items')::text")).isEqualTo("app.items");
  }

  @Test
  void dropIsRefusedWhenItCannotBeToldWhetherAnotherSchemaIsOnTheSameDatabase() throws Exception {
    applyConnection(home, "app-db");
    applySchema(home, "orders", "app-db", "Drop", V1);
    awaitReady(home, "orders");
    applySchema(home, "stray", "gone-db", "Retain", V1);
    awaitReason(home, "stray", "ConnectionNotFound");

    delete(home, "orders");

    awaitGone(home, "orders");
    assertThat(home.events("DropRefused")).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains("DatabaseSchema stray uses schema app and it cannot be told whether on the same database", "untouched"));
    assertThat(sql("SELECT to_regclass('app.items')::text")).isEqualTo("app.items");

    delete(home, "stray");
    awaitGone(home, "stray");
    world.cluster().secret(home.name(), "url-db", Map.of("url", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/"
        + database + "?user=app&password=" + PASSWORD + "&sslmode=disable"));
    home.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: url-db}
        spec:
          engine: postgres
          urlFrom: {secretKeyRef: {name: url-db, key: url}}
        """);
    applySchema(home, "by-url", "url-db", "Retain", V1);
    applySchema(home, "books", "app-db", "Drop", V1);
    awaitReady(home, "by-url");
    awaitReady(home, "books");

    delete(home, "books");

    awaitGone(home, "books");
    assertThat(home.events("DropRefused")).hasSize(2).anySatisfy(e -> assertThat(e.getMessage())
        .startsWith("DatabaseSchema by-url uses schema app and it cannot be told whether on the same database"));
    assertThat(dropJobs(home)).isEmpty();
    assertThat(sql("SELECT to_regclass('app.items')::text")).isEqualTo("app.items");
  }

  @Test
  void inTwoWatchedNamespacesDropSeesTheOtherNamespacesUserWithoutNamingIt() throws Exception {
    applyConnection(home, "app-db");
    applyConnection(neighbour, "app-db");
    applySchema(home, "orders", "app-db", "Drop", V1);
    awaitReady(home, "orders");
    applySchema(neighbour, "secret-project", "app-db", "Retain", V1);
    awaitReady(neighbour, "secret-project");

    delete(home, "orders");

    awaitGone(home, "orders");
    assertThat(home.events("DropRefused")).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains("a DatabaseSchema in another namespace still uses schema app on the same database", "untouched")
        .doesNotContain(neighbour.name(), "secret-project"));
    assertThat(sql("SELECT to_regclass('app.items')::text")).isEqualTo("app.items");

    // Once nobody else uses the schema, the same check lets a Drop run.
    delete(neighbour, "secret-project");
    awaitGone(neighbour, "secret-project");
    applySchema(home, "orders-again", "app-db", "Drop", V1);
    awaitReady(home, "orders-again");
    delete(home, "orders-again");
    awaitGone(home, "orders-again");
    assertThat(home.events("Dropped")).hasSize(1);
    assertThat(sql("SELECT count(*)::text FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("0");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void applyConnection(Namespace k8s, String name) {
    world.cluster().secret(k8s.name(), name, Map.of("username", "app", "password", PASSWORD));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: %s}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: %s}
          tls: {mode: disable}
        """.formatted(name, postgres.getPort(), database, name));
  }

  /** The same scripts in each: one application's schema, declared by several resources. */
  private static void applySchema(Namespace k8s, String name, String connection, String deletionPolicy, String... scripts) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: %s}
        spec:
          connectionRef: {name: %s}
          schemas: [app]
          deletionPolicy: %s
          migrations:
            inline: [%s]
        """.formatted(name, connection, deletionPolicy, String.join(", ", scripts)));
  }

  private void delete(Namespace k8s, String name) {
    client.resources(DatabaseSchema.class).inNamespace(k8s.name()).withName(name).delete();
  }

  private static void awaitReady(Namespace k8s, String name) {
    Eventually.await(k8s.name() + "/" + name + " Ready", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema(name);
      return Namespace.isReady(s);
    });
  }

  private static void awaitReason(Namespace k8s, String name, String reason) {
    Eventually.await(k8s.name() + "/" + name + " " + reason, CONVERGE,
        () -> reason.equals(Conditions.find(k8s.schema(name).getStatus().getConditions(), Conditions.READY).orElseThrow().getReason()));
  }

  private static void awaitGone(Namespace k8s, String name) {
    Eventually.await(k8s.name() + "/" + name + " gone", CONVERGE, () -> k8s.schema(name) == null);
  }

  private static Job jobOf(Namespace k8s, String schema) {
    return k8s.jobs().stream().filter(j -> schema.equals(j.getMetadata().getLabels().get("dbops.io/schema"))).findFirst().orElse(null);
  }

  private static List<Job> dropJobs(Namespace k8s) {
    return k8s.jobs().stream().filter(j -> "drop".equals(j.getMetadata().getLabels().get("dbops.io/operation"))).toList();
  }

  private static int indexOf(List<ApiCall> log, java.util.function.Predicate<ApiCall> matches) {
    for (int i = 0; i < log.size(); i++) {
      if (matches.test(log.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private String sql(String query) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** As the instance's admin, with the password from the Secret the operator generated. */
  private String onInstance(String connectionName, String query) throws Exception {
    DatabaseConnection connection = home.connection(connectionName);
    var address = world.statefulSets().addresses().of(connection);
    Secret admin = client.secrets().inNamespace(home.name()).withName(connectionName + "-admin").get();
    String password = admin.getStringData() != null && admin.getStringData().containsKey("password")
        ? admin.getStringData().get("password")
        : new String(Base64.getDecoder().decode(admin.getData().get("password")), StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + address.host() + ":" + address.port() + "/"
        + connection.getSpec().getDatabase(), "postgres", password); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
