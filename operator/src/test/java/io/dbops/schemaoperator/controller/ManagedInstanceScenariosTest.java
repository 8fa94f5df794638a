package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.FakeStatefulSetController;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Databases the operator deploys itself (spec.instance), on the mock API server, with a fake
 * StatefulSet controller that starts a real PostgreSQL for each StatefulSet, using the password from
 * the admin Secret the operator generated, and a fake Job controller running the real migrate.
 */
class ManagedInstanceScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /** Every status the operator writes during a scenario is checked the way Flux and Argo CD read it. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("managed").withStatefulSets().withStatusTrail().converge(CONVERGE);
  private static FakeStatefulSetController statefulSets;
  private KubernetesClient client;
  private String ns;
  private Namespace k8s;

  @BeforeEach
  void useTheScenariosNamespace() {
    statefulSets = world.statefulSets();
    ns = world.namespace();
    client = world.client();
    k8s = world.k8s();
  }

  @Test
  void theQuickstartDeploysPostgresqlAndMigratesIt() throws Exception {
    apply(Path.of("..", "examples", "quickstart", "connection.yaml"));
    apply(Path.of("..", "examples", "quickstart", "schema.yaml"));

    awaitConnectionReady("app-db");
    DatabaseConnection connection = k8s.connection("app-db");
    assertThat(connection.getStatus().getEndpoint()).isEqualTo("app-db." + ns + ".svc:5432");
    assertThat(connection.getStatus().getInstance().getStatefulSet()).isEqualTo("app-db");
    assertThat(connection.getStatus().getInstance().getService()).isEqualTo("app-db");
    assertThat(connection.getStatus().getInstance().getAdminSecret()).isEqualTo("app-db-admin");
    assertThat(connection.getStatus().getInstance().getReadyReplicas()).isEqualTo(1);
    assertThat(client.services().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("app-db", "app-db-headless");

    Eventually.await("schema Ready", CONVERGE, () -> Conditions.isTrue(k8s.schema("app-schema").getStatus() == null ? null
        : k8s.schema("app-schema").getStatus().getConditions(), Conditions.READY));
    assertThat(k8s.schema("app-schema").getStatus().getCurrentVersion()).isEqualTo("3");
    assertThat(query(connection, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'app'"
        + " AND table_name IN ('users', 'orders')")).isEqualTo("2");
  }

  @Test
  void theAdminPasswordIsGeneratedOnceAndAnExistingOneIsKept() throws Exception {
    world.cluster().secret(ns, "kept-admin", Map.of("username", "postgres", "password", "Chosen-By-A-Person-42"));
    apply(managedPostgres("kept"));
    apply(managedPostgres("fresh"));
    awaitConnectionReady("kept");
    awaitConnectionReady("fresh");

    assertThat(password("kept")).isEqualTo("Chosen-By-A-Person-42");
    String generated = password("fresh");
    assertThat(generated).hasSize(32).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]")
        .containsPattern("[-_.+]");
    assertThat(adminSecret("fresh").getMetadata().getOwnerReferences()).as("the password outlives the resource").isEmpty();
    assertThat(world.scansFor(generated)).as("the world's leak scan looks for the generated password").isTrue();

    world.awaitCaughtUp(world.restartOperator());
    awaitConnectionReady("fresh");
    assertThat(password("fresh")).isEqualTo(generated);
  }

  @Test
  void sqlServerIsNotDeployedWhileItsLicenceIsNotAccepted() {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: reports-db}
        spec:
          engine: sqlserver
          database: reports
          instance:
            image: mcr.microsoft.com/mssql/server:2022-latest
            storage: {size: 10Gi}
        """);

    Eventually.await("refused", CONVERGE, () -> k8s.connection("reports-db").getStatus() != null
        && Conditions.isTrue(k8s.connection("reports-db").getStatus().getConditions(), Conditions.STALLED));
    Condition stalled = Conditions.find(k8s.connection("reports-db").getStatus().getConditions(), Conditions.STALLED).orElseThrow();
    assertThat(stalled.getReason()).isEqualTo("EulaNotAccepted");
    assertThat(stalled.getMessage()).contains("spec.instance.sqlserver.acceptEula: true");
    assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void aStorageClassChangeIsRefusedAndNothingIsApplied() {
    apply(managedPostgres("orders-db"));
    awaitConnectionReady("orders-db");
    StatefulSet before = client.apps().statefulSets().inNamespace(ns).withName("orders-db").get();

    client.resources(DatabaseConnection.class).inNamespace(ns).withName("orders-db").edit(c -> {
      c.getSpec().getInstance().getStorage().setStorageClassName("fast-ssd");
      c.getSpec().getInstance().setImage("postgres:17");
      return c;
    });

    Eventually.await("refused", CONVERGE, () -> Conditions.isTrue(k8s.connection("orders-db").getStatus().getConditions(), Conditions.STALLED));
    Condition stalled = Conditions.find(k8s.connection("orders-db").getStatus().getConditions(), Conditions.STALLED).orElseThrow();
    assertThat(stalled.getReason()).isEqualTo("InstanceChangeRefused");
    assertThat(stalled.getMessage()).contains("storageClassName");
    StatefulSet after = client.apps().statefulSets().inNamespace(ns).withName("orders-db").get();
    assertThat(after.getSpec()).as("not even the image, which alone could be applied").isEqualTo(before.getSpec());
  }

  @Test
  void deletingTheConnectionLeavesTheDataAndItsPasswordBehind() throws Exception {
    apply(managedPostgres("tmp-db"));
    awaitConnectionReady("tmp-db");
    StatefulSet set = client.apps().statefulSets().inNamespace(ns).withName("tmp-db").get();
    assertThat(set.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("DatabaseConnection"));
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement()
        .satisfies(claim -> assertThat(claim.getMetadata().getOwnerReferences()).isEmpty());
    assertThat(adminSecret("tmp-db").getMetadata().getOwnerReferences()).isEmpty();
    String password = password("tmp-db");
    execute(k8s.connection("tmp-db"), "CREATE TABLE kept (note TEXT); INSERT INTO kept VALUES ('written before the delete')");

    client.resources(DatabaseConnection.class).inNamespace(ns).withName("tmp-db").delete();
    Eventually.await("the connection is gone", CONVERGE, () -> k8s.connection("tmp-db") == null);
    assertThat(world.collectGarbage()).as("what Kubernetes' garbage collector deletes")
        .contains("StatefulSet/tmp-db").noneMatch(o -> o.startsWith("Secret/") || o.startsWith("PersistentVolumeClaim/"));

    assertThat(client.apps().statefulSets().inNamespace(ns).withName("tmp-db").get()).isNull();
    assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems()).extracting(c -> c.getMetadata().getName())
        .as("the data's volume claim")
        .containsExactly(set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName() + "-tmp-db-0");
    assertThat(password("tmp-db")).as("the admin Secret, with the password the data was initialized with").isEqualTo(password);

    // Applied again, the connection finds its data and logs in with the password that was kept.
    apply(managedPostgres("tmp-db"));
    awaitConnectionReady("tmp-db");
    assertThat(password("tmp-db")).isEqualTo(password);
    assertThat(query(k8s.connection("tmp-db"), "SELECT note FROM kept")).isEqualTo("written before the delete");
  }

  private String managedPostgres(String name) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: %s}
        spec:
          engine: postgres
          database: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi, storageClassName: standard}
        """.formatted(name);
  }

  private void awaitConnectionReady(String name) {
    Eventually.await("connection " + name + " Ready", CONVERGE, () -> {
      DatabaseConnection c = k8s.connection(name);
      return c != null && c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), Conditions.READY);
    });
  }

  private String query(DatabaseConnection connection, String sql) throws Exception {
    try (var c = login(connection); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private void execute(DatabaseConnection connection, String sql) throws Exception {
    try (var c = login(connection); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** As the admin, with the password from its Secret, at the address the fake StatefulSet controller gives. */
  private java.sql.Connection login(DatabaseConnection connection) throws Exception {
    var address = statefulSets.addresses().of(connection);
    return DriverManager.getConnection("jdbc:postgresql://" + address.host() + ":" + address.port() + "/"
        + connection.getSpec().getDatabase(), "postgres", password(connection.getMetadata().getName()));
  }

  private String password(String connection) {
    Secret secret = adminSecret(connection);
    return secret.getStringData() != null && secret.getStringData().containsKey("password") ? secret.getStringData().get("password")
        : new String(java.util.Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
  }

  private Secret adminSecret(String connection) {
    return client.secrets().inNamespace(ns).withName(connection + "-admin").get();
  }

  private void apply(Path file) {
    try {
      k8s.create(Files.readString(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void apply(String yaml) {
    k8s.create(yaml);
  }

}
