package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input the operator must survive: objects the model cannot read (written straight into the API
 * server's store, as an older CRD or a bypassed webhook would leave them), driver properties and
 * URLs that would reach past the connection, Secrets that cannot be a login, and an API server that
 * refuses what a managed instance needs. Each ends in a condition with a reason and a message that
 * says what to change, and good resources beside them still become Ready.
 */
class UntrustedInputScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "Untrusted-Pa55-word";
  /** Namespaces whose StatefulSet creates the API server refuses as invalid. */
  private static final Set<String> REFUSING_STATEFULSETS = ConcurrentHashMap.newKeySet();
  /** Namespaces whose Service quota is used up. */
  private static final Set<String> SERVICE_QUOTA_USED_UP = ConcurrentHashMap.newKeySet();
  /** Namespaces whose LimitRange refuses the migration Jobs' resources. */
  private static final Set<String> REFUSING_JOBS = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("untrusted").refusing(UntrustedInputScenariosTest::refuse);
  private static EmbeddedPostgres postgres;
  private KubernetesClient client;
  private String ns;
  private Namespace k8s;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
  }

  /** What the API server refuses, as it would over a namespace's LimitRange or ResourceQuota. */
  private static Optional<MockResponse> refuse(RecordedRequest request) {
    Optional<ApiCall.ResourceRequest> create = new ApiCall(request.getMethod(), request.getPath(), null, null, 0)
        .resourceRequest().filter(r -> r.verb().equals("create"));
    if (create.isEmpty()) {
      return Optional.empty();
    }
    String namespace = create.get().namespace();
    if (create.get().resource().equals("statefulsets") && REFUSING_STATEFULSETS.contains(namespace)) {
      return Optional.of(MockCluster.refusal(422, "Invalid", "StatefulSet.apps \"big-db\" is invalid:"
          + " spec.template.spec.containers[0].resources.requests: Invalid value: \"64\": must be less than or equal to cpu limit of 2"));
    }
    if (create.get().resource().equals("jobs") && REFUSING_JOBS.contains(namespace)) {
      return Optional.of(MockCluster.refusal(422, "Invalid", "Job.batch \"heavy\" is invalid:"
          + " spec.template.spec.containers[0].resources.requests: Invalid value: \"64\": must be less than or equal to cpu limit of 2"));
    }
    if (create.get().resource().equals("services") && SERVICE_QUOTA_USED_UP.contains(namespace)) {
      return Optional.of(MockCluster.refusal(403, "Forbidden", "services \"small-db-headless\" is forbidden: exceeded quota:"
          + " compute, requested: services=1, used: services=10, limited: services=10"));
    }
    return Optional.empty();
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    ns = world.namespace();
    client = world.client();
    k8s = world.k8s();
  }

  // --- objects the model cannot read ---------------------------------------------------------

  @Test
  void objectsTheModelCannotReadAreReportedOnThemselvesWhileAGoodSchemaBecomesReady() throws Exception {
    raw("DatabaseConnection", "interval", """
        {"engine": "postgres", "host": "db", "credentials": {"secretName": "s"},
         "healthCheck": {"intervalSeconds": 3000000000}}""");
    raw("DatabaseConnection", "port-text", """
        {"engine": "postgres", "host": "db", "port": "five", "credentials": {"secretName": "s"}}""");
    raw("DatabaseConnection", "oracle", """
        {"engine": "oracle", "host": "db", "credentials": {"secretName": "s"}}""");
    raw("DatabaseConnection", "no-spec", null);
    raw("DatabaseSchema", "retry-huge", """
        {"connectionRef": {"name": "app-db"}, "migrations": {"configMapRefs": [{"name": "m"}]},
         "retry": {"limit": 3000000000}}""");
    raw("DatabaseSchema", "migrations-text", """
        {"connectionRef": {"name": "app-db"}, "migrations": "V1__x.sql"}""");

    // Before, the first of these stopped the informer's list, and with it the whole operator: one starting now must get past them.
    world.restartOperator();
    applyGoodConnectionAndSchema("app-db", "app-schema");

    awaitSchemaReady("app-schema");
    assertReportedUnreadable("DatabaseConnection", "interval", "spec.healthCheck.intervalSeconds: '3000000000' is not a whole number");
    assertReportedUnreadable("DatabaseConnection", "port-text", "spec.port: 'five' is not a whole number");
    assertReportedUnreadable("DatabaseConnection", "oracle", "spec.engine: 'oracle' is not one of postgres, mysql, mariadb, sqlserver");
    assertReportedUnreadable("DatabaseConnection", "no-spec", "spec is missing");
    assertReportedUnreadable("DatabaseSchema", "retry-huge", "spec.retry.limit: '3000000000' is not a whole number");
    assertReportedUnreadable("DatabaseSchema", "migrations-text", "spec.migrations: has the wrong type, expected an object");
    assertThat(k8s.events("ConnectionFailed")).anySatisfy(e -> assertThat(e.getMessage()).contains("intervalSeconds"));
    assertThat(k8s.events("ConfigurationInvalid")).anySatisfy(e -> assertThat(e.getMessage()).contains("retry.limit"));
  }

  @Test
  void anUnreadableObjectArrivingWhileTheOperatorRunsIsReportedAndTheOthersGoOn() throws Exception {
    applyGoodConnectionAndSchema("app-db", "first");
    awaitSchemaReady("first");

    raw("DatabaseConnection", "late", """
        {"engine": "postgres", "host": "db", "credentials": {"secretName": "s"},
         "healthCheck": {"intervalSeconds": 3000000000}}""");
    applySchema("second", "app-db");

    awaitSchemaReady("second");
    assertReportedUnreadable("DatabaseConnection", "late", "spec.healthCheck.intervalSeconds");
    assertThat(world.operator().ready()).as("every informer still watching").isTrue();
  }

  // --- driver properties past the CRD --------------------------------------------------------

  @Test
  void driverPropertiesAndUrlsThatReachPastTheConnectionStallNamingWhatToChange() throws Exception {
    world.cluster().secret(ns, "mysql-url", Map.of("url", "jdbc:mysql://127.0.0.1:" + postgres.getPort()
        + "/app?allowLoadLocalInfile=true&user=app&password=" + PASSWORD));
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    // The mock API server checks no CRD rule: these are what the operator itself must refuse.
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: wrong-scheme}
        spec:
          engine: postgres
          urlFrom: {secretKeyRef: {name: mysql-url, key: url}}
        ---
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: socket-factory}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          credentials: {secretName: app-db}
          tls: {mode: disable}
          parameters: {socketFactory: javax.net.DefaultSocketFactory}
        ---
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: redirected}
        spec:
          engine: sqlserver
          host: db.elsewhere.example
          credentials: {secretName: app-db}
          parameters: {server: 127.0.0.1, port: "%d"}
        """.formatted(postgres.getPort(), postgres.getPort()));

    assertStalled("wrong-scheme", "ConfigurationInvalid", "starts with 'jdbc:mysql:', but spec.engine postgres needs");
    assertStalled("socket-factory", "ConfigurationInvalid",
        "parameter 'socketFactory' is not allowed: it makes the driver load a class inside the operator");
    assertStalled("redirected", "ConfigurationInvalid", "parameter 'server' is not allowed: it would send the connection");
    for (String name : Set.of("wrong-scheme", "socket-factory", "redirected")) {
      assertThat(condition(k8s.connection(name), Conditions.READY).getMessage()).doesNotContain(PASSWORD);
    }
  }

  // --- Secrets that cannot be a login --------------------------------------------------------

  @Test
  void secretsThatCannotBeALoginStallNamingTheSecretAndKey() throws Exception {
    // ISO-8859-1, as a Secret made from a file in a legacy encoding would hold it: 0xE9 is no UTF-8.
    rawSecret("latin1", Map.of("username", "app".getBytes(), "password", "Pass-caf\u00e9-Latin1".getBytes(StandardCharsets.ISO_8859_1)));
    rawSecret("empty-user", Map.of("username", new byte[0], "password", PASSWORD.getBytes()));
    rawSecret("huge-user", Map.of("username", "u".repeat(1 << 20).getBytes(), "password", PASSWORD.getBytes()));
    rawSecret("no-password", Map.of("username", "app".getBytes()));
    rawSecret("not-a-url", Map.of("url", "postgres://app@db/app".getBytes()));
    for (String secret : new String[] {"latin1", "empty-user", "huge-user", "no-password"}) {
      external(secret, "credentials: {secretName: " + secret + "}");
    }
    external("not-a-url", "urlFrom: {secretKeyRef: {name: not-a-url, key: url}}");

    assertStalled("latin1", "SecretInvalid", "Secret latin1 key password is not UTF-8 text");
    assertStalled("empty-user", "SecretInvalid", "Secret empty-user: the credentials Secret has an empty username");
    assertStalled("huge-user", "SecretInvalid", "username is longer than 128 characters");
    assertStalled("no-password", "SecretKeyMissing", "Secret no-password has no key password");
    assertStalled("not-a-url", "SecretInvalid", "does not hold a JDBC URL");
    assertThat(condition(k8s.connection("huge-user"), Conditions.READY).getMessage()).hasSizeLessThan(1100);
  }

  // --- an API server that refuses what an instance needs --------------------------------------

  @Test
  void aStatefulSetTheApiServerRefusesStallsTheConnectionWithTheServersWords() throws Exception {
    REFUSING_STATEFULSETS.add(ns);
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: big-db}
        spec:
          engine: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi}
            resources: {requests: {cpu: "64"}, limits: {cpu: "2"}}
        """);

    assertStalled("big-db", "InstanceRejected", "must be less than or equal to cpu limit of 2");
    assertThat(condition(k8s.connection("big-db"), Conditions.READY).getMessage()).contains("change spec.instance");
  }

  @Test
  void aServiceOverTheNamespacesQuotaStallsTheConnectionSayingSo() throws Exception {
    SERVICE_QUOTA_USED_UP.add(ns);
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: small-db}
        spec:
          engine: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi}
        """);

    assertStalled("small-db", "InstanceRejected", "exceeded quota: compute");
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).as("nothing after the refusal").isEmpty();
  }

  @Test
  void aMigrationJobTheApiServerRefusesStallsItsSchemaWithTheServersWordsAndOtherSchemasGoOn() throws Exception {
    REFUSING_JOBS.add(ns);
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    applyConnection("app-db", "app_" + ns);
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: heavy}
        spec:
          connectionRef: {name: app-db}
          schemas: [heavy]
          job:
            resources: {requests: {cpu: "64"}, limits: {cpu: "2"}}
          migrations:
            inline:
              - {name: V1__create_items.sql, sql: "CREATE TABLE items (id INT);"}
        """);

    Eventually.await("heavy Stalled", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema("heavy");
      return s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), Conditions.STALLED);
    });
    Condition stalled = condition(k8s.schema("heavy"), Conditions.STALLED);
    assertThat(stalled.getReason()).isEqualTo("JobRejected");
    assertThat(stalled.getMessage()).contains("the API server refused the migration Job",
        "must be less than or equal to cpu limit of 2", "spec.job");
    assertThat(k8s.jobs()).isEmpty();

    // Another schema on the same database, in a namespace whose Jobs are admitted: the operator goes on.
    String database = "app_" + ns;
    ns = ns + "-next";
    k8s = world.k8s(ns);
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    applyConnection("app-db", database);
    applySchema("light", "app-db");
    awaitSchemaReady("light");
  }

  @Test
  void aManagedInstanceWhoseNameCannotNameAServiceIsRefusedBeforeAnythingIsCreated() throws Exception {
    // Admitted before the CRD refused such names; the mock API server checks none.
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db.prod}
        spec:
          engine: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi}
        """);

    assertStalled("db.prod", "InstanceNameInvalid", "'db.prod' cannot be a Service name");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void aStatefulSetOrServiceOfTheSameNameThatIsNotTheConnectionsIsNeitherTakenOverNorUsed() throws Exception {
    client.apps().statefulSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
        .withNewMetadata().withName("shop-db").withNamespace(ns).endMetadata()
        .withNewSpec().withServiceName("shop").withNewTemplate().withNewSpec()
        .addNewContainer().withName("app").withImage("shop:1").endContainer().endSpec().endTemplate().endSpec()
        .build()).create();
    client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
        .withNewMetadata().withName("pay-db").withNamespace(ns).endMetadata()
        .withNewSpec().withExternalName("db.elsewhere.example").withType("ExternalName").endSpec().build()).create();
    for (String name : new String[] {"shop-db", "pay-db"}) {
      k8s.create("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata: {name: %s}
          spec:
            engine: postgres
            instance:
              image: postgres:16
              storage: {size: 1Gi}
          """.formatted(name));
    }

    assertStalled("shop-db", "InstanceNameTaken", "a StatefulSet named shop-db exists in this namespace and does not"
        + " belong to this DatabaseConnection");
    assertStalled("pay-db", "InstanceNameTaken", "a Service named pay-db exists");
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("shop-db").get().getSpec().getTemplate().getSpec()
        .getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("shop:1"));
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("pay-db").get()).isNull();
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Stores an object as JSON, past the model classes and any CRD rule. */
  private void raw(String kind, String name, String specJson) {
    String json = """
        {"apiVersion": "dbops.io/v1alpha1", "kind": "%s", "metadata": {"name": "%s", "namespace": "%s"}%s}"""
        .formatted(kind, name, ns, specJson == null ? "" : ", \"spec\": " + specJson);
    client.genericKubernetesResources("dbops.io/v1alpha1", kind).inNamespace(ns)
        .resource(Serialization.unmarshal(json, GenericKubernetesResource.class)).create();
  }

  private void rawSecret(String name, Map<String, byte[]> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata();
    values.forEach((key, bytes) -> secret.addToData(key, Base64.getEncoder().encodeToString(bytes)));
    client.secrets().inNamespace(ns).resource(secret.build()).create();
  }

  private void external(String name, String loginLine) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: %s}
        spec:
          engine: postgres
          %s
          %s
          tls: {mode: disable}
        """.formatted(name, loginLine.startsWith("urlFrom") ? "" : "host: 127.0.0.1\n  port: " + postgres.getPort(),
        loginLine));
  }

  private void applyGoodConnectionAndSchema(String connection, String schema) throws Exception {
    world.cluster().secret(ns, connection, Map.of("username", "app", "password", PASSWORD));
    applyConnection(connection, "app_" + ns);
    applySchema(schema, connection);
  }

  private void applyConnection(String connection, String database) {
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
        """.formatted(connection, postgres.getPort(), database, connection));
  }

  private void applySchema(String schema, String connection) throws Exception {
    String yaml = Files.readString(Path.of("..", "examples", "quickstart", "schema.yaml"))
        .replace("name: app-schema", "name: " + schema)
        .replace("name: app-db", "name: " + connection)
        .replace("schemas: [app]", "schemas: [" + schema.replace('-', '_') + "]");
    k8s.create(yaml);
  }

  private void awaitSchemaReady(String name) {
    Eventually.await("DatabaseSchema " + name + " Ready", CONVERGE, () -> Namespace.isReady(k8s.schema(name)));
  }

  private void assertStalled(String connection, String reason, String messagePart) {
    Eventually.await("DatabaseConnection " + connection + " Stalled with " + reason, CONVERGE, () -> {
      DatabaseConnection c = k8s.connection(connection);
      return c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), Conditions.STALLED)
          && reason.equals(condition(c, Conditions.READY).getReason());
    });
    assertThat(condition(k8s.connection(connection), Conditions.READY).getMessage()).contains(messagePart);
  }

  /** Waits until the operator has reported the unreadable object, then checks what it said. */
  private void assertReportedUnreadable(String kind, String name, String messagePart) {
    java.util.function.Supplier<java.util.List<Condition>> conditions = () -> {
      var status = kind.equals("DatabaseSchema") ? k8s.schema(name).getStatus() : null;
      if (status != null) {
        return status.getConditions();
      }
      var connectionStatus = kind.equals("DatabaseConnection") ? k8s.connection(name).getStatus() : null;
      return connectionStatus == null ? null : connectionStatus.getConditions();
    };
    Eventually.await(kind + " " + name + " reported as unreadable", CONVERGE,
        () -> Conditions.isTrue(conditions.get(), Conditions.STALLED));
    Condition ready = Conditions.find(conditions.get(), Conditions.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ConfigurationInvalid");
    assertThat(ready.getMessage()).contains("the operator cannot read this " + kind).contains(messagePart);
  }
}
