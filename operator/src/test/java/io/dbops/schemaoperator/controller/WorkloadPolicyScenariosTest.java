package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's settings decide which images a managed instance may run: a DatabaseConnection
 * naming any other image is refused before anything is created, and a deployed instance is not
 * moved to one.
 */
class WorkloadPolicyScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  /** Instance images as a platform team would narrow them; migration images and Job accounts as the scenarios' defaults. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("policy").withStatusTrail()
      .operatorOptions(o -> o.policy(WorkloadPolicy.from(Map.of(
          WorkloadPolicy.INSTANCE_IMAGES, "postgres:16*, registry.internal/db/**",
          WorkloadPolicy.MIGRATION_IMAGES, "ghcr.io/acme/**"))));
  private KubernetesClient client;
  private Namespace k8s;

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
