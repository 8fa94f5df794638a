package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator keeps only the names and versions of the Secrets and ConfigMaps it watches and reads
 * their content when it needs it (see MetadataOnlyInformers); what a user sees must not change: a
 * missing Secret or ConfigMap heals as soon as it is created, and an edited ConfigMap runs its new
 * scripts. With named namespaces (WATCH_NAMESPACES), where each namespace has an informer of its own
 * and the operator has the chart's Roles in those namespaces only.
 */
class ReferencedObjectsScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "R3f-0bjects-Pa55";

  /** Two namespaces per test, and an operator that watches exactly those. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("refs").watching("a", "b").withStatusTrail();
  private static EmbeddedPostgres postgres;
  private List<Namespace> namespaces;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
  }

  @BeforeEach
  void useTheScenariosNamespaces() {
    namespaces = world.namespaces().stream().map(world::k8s).toList();
  }

  @Test
  void in_each_watched_namespace_a_missing_secret_and_a_missing_configmap_heal_as_soon_as_they_are_created() {
    for (Namespace k8s : namespaces) {
      k8s.create(connection(database(k8s)));
      k8s.create(schema());
    }
    for (Namespace k8s : namespaces) {
      Eventually.await(k8s.name() + ": SecretNotFound", CONVERGE, () -> "SecretNotFound".equals(readyReason(k8s.connection("app-db"))));
    }

    for (Namespace k8s : namespaces) {
      world.cluster().secret(k8s.name(), "app-db", Map.of("username", "app", "password", PASSWORD));
    }
    for (Namespace k8s : namespaces) {
      Eventually.await(k8s.name() + ": schema waits for its ConfigMap", CONVERGE,
          () -> "ConfigMapNotFound".equals(readyReason(k8s.schema("app-schema"))));
      assertThat(Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.READY)).isTrue();
    }

    for (Namespace k8s : namespaces) {
      configMap(k8s, Map.of("V1__create_items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY);"));
    }
    for (Namespace k8s : namespaces) {
      awaitVersion(k8s, "1");
    }
  }

  @Test
  void editing_a_referenced_configmap_runs_its_new_scripts() {
    Namespace k8s = namespaces.get(1);
    world.cluster().secret(k8s.name(), "app-db", Map.of("username", "app", "password", PASSWORD));
    Map<String, String> scripts = new LinkedHashMap<>(Map.of("V1__create_items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY);"));
    configMap(k8s, scripts);
    k8s.create(connection(database(k8s)));
    k8s.create(schema());
    awaitVersion(k8s, "1");

    scripts.put("V2__add_name.sql", "ALTER TABLE items ADD COLUMN name TEXT;");
    configMap(k8s, scripts);

    awaitVersion(k8s, "2");
    assertThat(k8s.jobs()).hasSize(2);
  }

  private void awaitVersion(Namespace k8s, String version) {
    Eventually.await(k8s.name() + ": schema Ready at version " + version, CONVERGE, () -> {
      DatabaseSchema schema = k8s.schema("app-schema");
      return Namespace.isReady(schema)
          && version.equals(schema.getStatus().getCurrentVersion());
    });
  }

  private static void configMap(Namespace k8s, Map<String, String> scripts) {
    world.client().configMaps().inNamespace(k8s.name()).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("app-migrations").withNamespace(k8s.name()).endMetadata()
        .withData(scripts).build()).createOr(existing -> existing.update());
  }

  private static String database(Namespace k8s) {
    return "app_" + k8s.name();
  }

  private static String readyReason(DatabaseConnection connection) {
    return connection == null || connection.getStatus() == null ? null
        : Conditions.find(connection.getStatus().getConditions(), Conditions.READY).map(c -> c.getReason()).orElse(null);
  }

  private static String readyReason(DatabaseSchema schema) {
    return schema == null || schema.getStatus() == null ? null
        : Conditions.find(schema.getStatus().getConditions(), Conditions.READY).map(c -> c.getReason()).orElse(null);
  }

  private static String connection(String database) {
    return """
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
          healthCheck: {intervalSeconds: 300}
        """.formatted(postgres.getPort(), database);
  }

  private static String schema() {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app-schema}
        spec:
          connectionRef: {name: app-db}
          schemas: [app]
          migrations:
            configMapRefs: [{name: app-migrations}]
        """;
  }
}
