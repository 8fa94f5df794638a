package io.dbops.schemaoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.FakeStatefulSetController;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A running operator, installed as the chart installs it for one watched namespace, goes through a
 * managed instance's life and a schema's (created, migrated, changed, its instance's image changed,
 * deleted with Drop) on the mock API server; every request it makes is then checked against the
 * Roles the chart renders for that install. Each request must be granted, in the namespace it was
 * made in; and every verb {@link OperatorRbac} names must have been used, unless the table says why
 * this scenario cannot use it.
 */
class OperatorRbacTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String USER_AGENT = "schema-operator-under-rbac-test";
  private static final String WATCHED = "team-a";

  /** A request as RBAC sees it. */
  record Access(String namespace, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + resource + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
  }

  @Test
  void every_request_of_a_running_operator_is_granted_by_the_chart_and_every_granted_verb_is_used() throws Exception {
    List<Access> accesses = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (MockCluster cluster = MockCluster.start();
        FakeStatefulSetController statefulSets = FakeStatefulSetController.start(cluster.client());
        FakeJobController jobs = FakeJobController.start(cluster.client())) {
      Namespace k8s = new Namespace(cluster.client(), WATCHED);
      OperatorSettings settings = new OperatorSettings(Set.of(WATCHED), null, 2, "ghcr.io/dbops/schema-operator:test",
          LeaderElection.in(RenderedChart.NAMESPACE, "replica-1"), -1);
      cluster.onRequest(call -> {
        if (USER_AGENT.equals(call.userAgent())) {
          accesses.add(access(call));
        }
      });
      SchemaOperator operator = SchemaOperator.start(cluster.newClient(USER_AGENT), settings, statefulSets.addresses());
      try {
        await("operator ready", operator::ready);
        lifeOfAManagedInstanceAndASchema(cluster, k8s);
      } finally {
        operator.close();
      }
    }

    Map<String, Long> counted = accesses.stream().collect(Collectors.groupingBy(Access::toString, TreeMap::new, Collectors.counting()));
    Path report = Path.of("target", "operator-requests.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, counted.entrySet().stream().map(e -> e.getValue() + "\t" + e.getKey())
        .collect(Collectors.joining("\n", "", "\n")));

    List<HasMetadata> chart = RenderedChart.render(t -> t.set("watchNamespaces[0]", WATCHED));
    List<Access> refused = accesses.stream()
        .filter(a -> !granted(chart, a) && !builtIn(a))
        .distinct().toList();
    assertThat(refused).as("requests the chart's RBAC would refuse").isEmpty();

    Set<String> used = accesses.stream().map(a -> a.resource() + " " + a.verb()).collect(Collectors.toCollection(TreeSet::new));
    List<String> unused = new ArrayList<>();
    for (OperatorRbac.Use use : concat(concat(OperatorRbac.WATCHED, OperatorRbac.LEASE_NAMESPACE), OperatorRbac.BUILT_IN)) {
      if (use.exercised() && !used.contains(use.resource() + " " + use.verb())) {
        unused.add(use.resource() + " " + use.verb() + " (" + use.usedBy() + ")");
      }
    }
    assertThat(unused).as("granted verbs this scenario should have used; all used: %s", used).isEmpty();
  }

  private static void lifeOfAManagedInstanceAndASchema(MockCluster cluster, Namespace k8s) {
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
    cluster.client().resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("app-schema").edit(s -> {
      var v2 = new io.dbops.schemaoperator.model.InlineMigration("V2__add_name.sql", "ALTER TABLE items ADD COLUMN name TEXT;");
      s.getSpec().getMigrations().getInline().add(v2);
      return s;
    });
    awaitSchemaAt(k8s, "2");
    await("the first revision's scripts ConfigMap pruned", () -> cluster.client().configMaps().inNamespace(k8s.name()).list()
        .getItems().size() == 1);

    // A new image rolls the instance's Pod: the StatefulSet is updated.
    cluster.client().resources(DatabaseConnection.class).inNamespace(k8s.name()).withName("app-db").edit(c -> {
      c.getSpec().getInstance().setImage("postgres:16.4");
      return c;
    });
    await("the StatefulSet runs the new image", () -> "postgres:16.4".equals(cluster.client().apps().statefulSets()
        .inNamespace(k8s.name()).withName("app-db").get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));

    cluster.client().resources(DatabaseSchema.class).inNamespace(k8s.name()).withName("app-schema").delete();
    await("the schema dropped and gone", () -> k8s.schema("app-schema") == null);
    assertThat(k8s.events("Dropped")).hasSize(1);
  }

  private static void awaitSchemaAt(Namespace k8s, String version) {
    await("schema Ready at version " + version, () -> {
      DatabaseSchema schema = k8s.schema("app-schema");
      return schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)
          && version.equals(schema.getStatus().getCurrentVersion());
    });
  }

  private static boolean builtIn(Access access) {
    return access.namespace() == null && OperatorRbac.BUILT_IN.stream()
        .anyMatch(u -> u.resource().equals(access.resource()) && u.verb().equals(access.verb()));
  }

  /** Granted by a rendered Role (or ClusterRole) that applies where the request was made. */
  private static boolean granted(List<HasMetadata> chart, Access access) {
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata object : chart) {
      if (object instanceof Role role && access.namespace() != null && access.namespace().equals(role.getMetadata().getNamespace())) {
        rules.addAll(role.getRules());
      }
      if (object instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRole role) {
        rules.addAll(role.getRules());
      }
    }
    int slash = access.resource().indexOf('/');
    String group = access.resource().substring(0, slash);
    String resource = access.resource().substring(slash + 1);
    return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
        && rule.getVerbs().contains(access.verb()));
  }

  /** RBAC's reading of a request: verb, "group/resource[/subresource]", namespace (null: cluster-wide). */
  static Access access(ApiCall call) {
    return call.resourceRequest()
        .map(r -> new Access(r.namespace().isEmpty() ? null : r.namespace(), r.group() + "/" + r.rbacResource(), r.verb()))
        .orElseGet(() -> new Access(null, "non-resource " + call.path().replaceAll("\\?.*", ""), call.method()));
  }

  private static List<OperatorRbac.Use> concat(List<OperatorRbac.Use> a, List<OperatorRbac.Use> b) {
    List<OperatorRbac.Use> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not there yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + CONVERGE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted: " + what);
      }
    }
  }
}
