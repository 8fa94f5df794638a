package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's settings decide which images a managed instance may run, which image a migration's
 * scripts may be copied from, which image a backup may run and which ServiceAccount a migration Job
 * may run as: a resource naming anything else is refused before anything is created, and a deployed
 * instance is not moved to a refused image.
 */
class WorkloadPolicyScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  /** As a platform team would narrow it: some instance images, the application team's images, one extra Job account. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("policy").withStatusTrail()
      .operatorOptions(o -> o.policy(WorkloadPolicy.from(Map.of(
          WorkloadPolicy.INSTANCE_IMAGES, "postgres:16*, registry.internal/db/**",
          WorkloadPolicy.MIGRATION_IMAGES, "ghcr.io/acme/**",
          WorkloadPolicy.JOB_SERVICE_ACCOUNTS, "default, migrator"))));
  private static EmbeddedPostgres postgres;
  private KubernetesClient client;
  private Namespace k8s;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(EmbeddedPostgres.start());
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    client = world.client();
    k8s = world.k8s();
  }

  @Test
  void an_instance_image_the_settings_do_not_allow_is_refused_before_any_object_is_created() {
    k8s.create(managedPostgres("orders-db", "docker.io/attacker/cryptominer:latest"));

    Condition stalled = awaitStalled("orders-db");
    assertThat(stalled.getReason()).isEqualTo("ImageNotAllowed");
    assertThat(stalled.getMessage()).contains("spec.instance.image \"docker.io/attacker/cryptominer:latest\"",
        "allowed: postgres:16*, registry.internal/db/**", "ALLOWED_INSTANCE_IMAGES", "allowedImages.instance");
    assertThat(Conditions.isTrue(k8s.connection("orders-db").getStatus().getConditions(), Conditions.READY)).isFalse();
    assertThat(client.apps().statefulSets().inNamespace(k8s.name()).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(k8s.name()).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(k8s.name()).list().getItems()).as("not even the admin Secret").isEmpty();

    client.resources(DatabaseConnection.class).inNamespace(k8s.name()).withName("orders-db").edit(c -> {
      c.getSpec().getInstance().setImage("registry.internal/db/postgres:16.4");
      return c;
    });

    Eventually.await("the StatefulSet of an allowed image", CONVERGE,
        () -> client.apps().statefulSets().inNamespace(k8s.name()).withName("orders-db").get() != null);
    assertThat(client.apps().statefulSets().inNamespace(k8s.name()).withName("orders-db").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage()).isEqualTo("registry.internal/db/postgres:16.4");
  }

  @Test
  void a_deployed_instance_is_not_moved_to_an_image_the_settings_do_not_allow() {
    k8s.create(managedPostgres("shop-db", "postgres:16.4"));
    Eventually.await("StatefulSet created", CONVERGE,
        () -> client.apps().statefulSets().inNamespace(k8s.name()).withName("shop-db").get() != null);
    StatefulSet before = client.apps().statefulSets().inNamespace(k8s.name()).withName("shop-db").get();

    client.resources(DatabaseConnection.class).inNamespace(k8s.name()).withName("shop-db").edit(c -> {
      c.getSpec().getInstance().setImage("postgres:16.4@sha256:" + "e".repeat(64));
      return c;
    });

    Condition stalled = awaitStalled("shop-db");
    assertThat(stalled.getReason()).isEqualTo("ImageNotAllowed");
    assertThat(stalled.getMessage()).contains("postgres:16.4@sha256:");
    assertThat(client.apps().statefulSets().inNamespace(k8s.name()).withName("shop-db").get().getSpec())
        .as("the Pod keeps the image it had").isEqualTo(before.getSpec());
  }

  @Test
  void a_migration_image_or_job_account_the_settings_do_not_allow_stalls_the_schema_before_any_configmap_or_job() {
    createConnection();
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: from-image}
        spec:
          connectionRef: {name: db}
          schemas: [from_image]
          migrations:
            image: {ref: "docker.io/attacker/scripts:1", path: /sql}
        ---
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: as-admin}
        spec:
          connectionRef: {name: db}
          schemas: [as_admin]
          job: {serviceAccountName: cluster-admin}
          migrations:
            inline:
              - {name: V1__create_items.sql, sql: "CREATE TABLE items (id INT);"}
        """);

    Condition image = awaitSchemaStalled("from-image");
    assertThat(image.getReason()).isEqualTo("ImageNotAllowed");
    assertThat(image.getMessage()).contains("spec.migrations.image.ref \"docker.io/attacker/scripts:1\"", "allowed: ghcr.io/acme/**",
        "ALLOWED_MIGRATION_IMAGES", "allowedImages.migration");
    Condition account = awaitSchemaStalled("as-admin");
    assertThat(account.getReason()).isEqualTo("ServiceAccountNotAllowed");
    assertThat(account.getMessage()).contains("spec.job.serviceAccountName \"cluster-admin\"", "allowed: default, migrator",
        "ALLOWED_JOB_SERVICE_ACCOUNTS", "allowedJobServiceAccounts");
    assertThat(k8s.jobs()).isEmpty();
    assertThat(client.configMaps().inNamespace(k8s.name()).list().getItems()).as("not even the inline scripts' ConfigMap").isEmpty();

    world.jobs().imageContents("ghcr.io/acme/scripts:1", Map.of("/sql/V1__create_items.sql", "CREATE TABLE items (id INT);"));
    client.resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("from-image").edit(s -> {
      s.getSpec().getMigrations().getImage().setRef("ghcr.io/acme/scripts:1");
      return s;
    });
    client.resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("as-admin").edit(s -> {
      s.getSpec().getJob().setServiceAccountName("migrator");
      return s;
    });
    awaitSchemaReady("from-image");
    awaitSchemaReady("as-admin");
    assertThat(k8s.jobs()).as("one Job as the namespace's default account (none named), one as migrator")
        .extracting(j -> j.getSpec().getTemplate().getSpec().getServiceAccountName())
        .containsExactlyInAnyOrder(null, "migrator");
  }

  @Test
  void a_backup_image_the_settings_do_not_allow_stalls_the_schema_before_any_job() {
    createConnection();
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: dumped}
        spec:
          connectionRef: {name: db}
          schemas: [dumped]
          backup: {beforeMigrate: true, claimName: db-backups, image: "ghcr.io/evil/dump:1"}
          migrations:
            inline:
              - {name: V1__create_items.sql, sql: "CREATE TABLE items (id INT);"}
        """);

    Condition image = awaitSchemaStalled("dumped");
    assertThat(image.getReason()).isEqualTo("ImageNotAllowed");
    assertThat(image.getMessage()).contains("spec.backup.image \"ghcr.io/evil/dump:1\"",
        "allowed: postgres, mariadb, mysql, mcr.microsoft.com/mssql/server", "ALLOWED_BACKUP_IMAGES", "allowedImages.backup");
    // The operator has decided by now, so an empty list means nothing was created, not nothing yet.
    assertThat(k8s.jobs()).as("neither the backup Job nor the migration Job").isEmpty();
  }

  private void createConnection() {
    world.cluster().secret(k8s.name(), "db-login", Map.of("username", "postgres", "password", "unused-with-trust"));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: postgres
          credentials: {secretName: db-login}
          tls: {mode: disable}
        """.formatted(postgres.getPort()));
  }

  private Condition awaitSchemaStalled(String name) {
    Eventually.await(name + " Stalled", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema(name);
      return s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), Conditions.STALLED);
    });
    return Namespace.condition(k8s.schema(name), Conditions.STALLED);
  }

  private void awaitSchemaReady(String name) {
    Eventually.await(name + " Ready", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema(name);
      return Namespace.isReady(s);
    });
  }

  private Condition awaitStalled(String name) {
    Eventually.await(name + " Stalled", CONVERGE, () -> {
      DatabaseConnection c = k8s.connection(name);
      return c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), Conditions.STALLED);
    });
    return Namespace.condition(k8s.connection(name), Conditions.STALLED);
  }

  private static String managedPostgres(String name, String image) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: %s}
        spec:
          engine: postgres
          database: app
          instance:
            image: "%s"
            storage: {size: 1Gi}
        """.formatted(name, image);
  }
}
