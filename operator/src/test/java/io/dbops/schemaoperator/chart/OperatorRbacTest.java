package io.dbops.schemaoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.RenderedChart;
import io.dbops.schemaoperator.testing.RunningOperator;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running operator, installed as the chart installs it for one watched namespace with leader
 * election, goes through a managed instance's life and a schema's (created, migrated, changed, its
 * instance's image changed, deleted with Drop) on the mock API server. The world checks every
 * request it made against the Roles the chart renders for that install ({@link ScenarioWorld});
 * this test adds that every verb {@link OperatorRbac} names was used, unless the table says why
 * this scenario cannot use it.
 */
class OperatorRbacTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String WATCHED = "team-a";

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.shared().withStatefulSets().converge(CONVERGE);

  @Test
  void every_request_of_a_running_operator_is_granted_by_the_chart_and_every_granted_verb_is_used() throws Exception {
    RunningOperator operator = world.startOperator("schema-operator-under-rbac-test", RunningOperator.Options.defaults()
        .concurrency(2)
        .instanceAddresses(world.statefulSets().addresses())
        .watching(Set.of(WATCHED))
        .leaderElection(LeaderElection.in(RenderedChart.NAMESPACE, "replica-1")), true);
    try {
      lifeOfAManagedInstanceAndASchema(world.client(), world.k8s(WATCHED));
    } finally {
      operator.close();
    }

    List<ApiCall> requests = world.requests().stream().filter(c -> operator.userAgent().equals(c.userAgent())).toList();
    Map<String, Long> counted = requests.stream().map(OperatorRbacTest::describe)
        .collect(Collectors.groupingBy(d -> d, TreeMap::new, Collectors.counting()));
    Path report = Path.of("target", "operator-requests.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, counted.entrySet().stream().map(e -> e.getValue() + "\t" + e.getKey())
        .collect(Collectors.joining("\n", "", "\n")));

    assertThat(world.refusedByChart()).as("requests the chart's RBAC, installed to watch %s, would refuse", WATCHED).isEmpty();

    Set<String> used = requests.stream().flatMap(c -> c.resourceRequest().stream())
        .map(r -> r.group() + "/" + r.rbacResource() + " " + r.verb())
        .collect(Collectors.toCollection(TreeSet::new));
    List<String> unused = new ArrayList<>();
    for (OperatorRbac.Use use : Stream.of(OperatorRbac.WATCHED, OperatorRbac.LEASE_NAMESPACE, OperatorRbac.BUILT_IN)
        .flatMap(List::stream).toList()) {
      if (use.exercised() && !used.contains(use.resource() + " " + use.verb())) {
        unused.add(use.resource() + " " + use.verb() + " (" + use.usedBy() + ")");
      }
    }
    assertThat(unused).as("granted verbs this scenario should have used; all used: %s", used).isEmpty();
  }

  private static void lifeOfAManagedInstanceAndASchema(KubernetesClient client, Namespace k8s) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          database: app
          createDatabase: true
          instance: {image: "postgres:16", storage: {size: 1Gi}}
        """);
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app-schema}
        spec:
          connectionRef: {name: app-db}
          schemas: [app]
          deletionPolicy: Drop
          migrations:
            inline:
              - {name: V1__create_items.sql, sql: "CREATE TABLE items (id BIGINT PRIMARY KEY);"}
        """);
    awaitSchemaAt(k8s, "1");

    // A second revision: a second scripts ConfigMap, and the first one pruned once it has run.
    client.resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("app-schema").edit(s -> {
      s.getSpec().getMigrations().getInline().add(new InlineMigration("V2__add_name.sql", "ALTER TABLE items ADD COLUMN name TEXT;"));
      return s;
    });
    awaitSchemaAt(k8s, "2");
    Eventually.await("the first revision's scripts ConfigMap pruned", CONVERGE,
        () -> client.configMaps().inNamespace(k8s.name()).list().getItems().size() == 1);

    // A new image rolls the instance's Pod: the StatefulSet is updated.
    client.resources(DatabaseConnection.class).inNamespace(k8s.name()).withName("app-db").edit(c -> {
      c.getSpec().getInstance().setImage("postgres:16.4");
      return c;
    });
    Eventually.await("the StatefulSet runs the new image", CONVERGE, () -> "postgres:16.4".equals(client.apps().statefulSets()
        .inNamespace(k8s.name()).withName("app-db").get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));

    client.resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("app-schema").delete();
    Eventually.await("the schema dropped and gone", CONVERGE, () -> k8s.schema("app-schema") == null);
    assertThat(k8s.events("Dropped")).hasSize(1);
  }

  private static void awaitSchemaAt(Namespace k8s, String version) {
    Eventually.await("schema Ready at version " + version, CONVERGE, () -> {
      DatabaseSchema schema = k8s.schema("app-schema");
      return schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)
          && version.equals(schema.getStatus().getCurrentVersion());
    });
  }

  /** A request as RBAC reads it: verb, "group/resource[/subresource]", and where. */
  private static String describe(ApiCall call) {
    return call.resourceRequest()
        .map(r -> r.describe() + (r.namespace().isEmpty() ? " (cluster-wide)" : " in " + r.namespace()))
        .orElseGet(() -> call.method() + " non-resource " + call.path().replaceAll("\\?.*", ""));
  }
}
