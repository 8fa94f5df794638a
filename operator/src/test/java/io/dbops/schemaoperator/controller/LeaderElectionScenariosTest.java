package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.RenderedChart;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.RunningOperator;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the operator with leader election on, as the Helm chart runs them with
 * replicas: 2, and as a rolling update runs the new Pod beside the old one. One holds the Lease and
 * reconciles; the other waits without writing anything, and takes over when the first stops.
 */
class LeaderElectionScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  /** The chart's release namespace, where its Role lets the operator keep the Lease. */
  private static final String LEASE_NAMESPACE = RenderedChart.NAMESPACE;
  private static final String NS = "leader";

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.shared();
  private static EmbeddedPostgres postgres;
  private static KubernetesClient client;
  private static Namespace k8s;
  /** How many of the request log's entries earlier phases of the scenario used up. */
  private int seen;

  @BeforeAll
  static void start() throws Exception {
    postgres = world.own(EmbeddedPostgres.start());
    client = world.client();
    k8s = new Namespace(client, NS);
  }

  @Test
  void oneReplicaReconcilesTheOtherWaitsAndTakesOverWhenTheFirstStops() throws Exception {
    RunningOperator first = replica("replica-a");
    Eventually.await("replica-a holds the Lease", CONVERGE, () -> "replica-a".equals(leaseHolder()));
    RunningOperator standby = replica("replica-b");

    applyConnectionAndSchema("orders");
    Eventually.await("orders Ready", CONVERGE, () -> ready("orders"));

    assertThat(jobsFor("orders")).as("one Job, though two replicas saw the schema").hasSize(1);
    assertThat(leaseHolder()).isEqualTo("replica-a");
    Eventually.await("the standby asks for the Lease after orders is Ready", CONVERGE,
        () -> requestsBy("replica-b").contains("GET leases"));
    assertThat(writesBy("replica-b")).as("the standby writes nothing but its permission check").isEmpty();
    assertThat(writesBy("replica-a")).as("the leader did the work").contains("PUT databaseschemas/status");
    assertThat(standby.get("/healthz")).as("a standby is alive: its liveness probe must not restart it").isEqualTo(200);
    assertThat(standby.get("/readyz")).as("a rolling update stops the old leader only once the new Pod, a standby, is ready").isEqualTo(200);

    first.close();
    Eventually.await("replica-b took the Lease", CONVERGE, () -> "replica-b".equals(leaseHolder()));
    seen = world.requests().size();
    applySchema("invoices");
    Eventually.await("invoices Ready under the new leader", CONVERGE, () -> ready("invoices"));

    assertThat(jobsFor("invoices")).hasSize(1);
    assertThat(jobsFor("orders")).as("the new leader adopts what is done, it does not run it again").hasSize(1);
    assertThat(writesBy("replica-b")).contains("PUT databaseschemas/status");
    assertThat(sql("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orders', 'invoices')")).isEqualTo(2);
  }

  private RunningOperator replica(String identity) {
    // Short timings so the test sees a takeover in seconds; production uses LeaderElection.in(...).
    LeaderElection election = new LeaderElection(LEASE_NAMESPACE, identity, Duration.ofSeconds(4), Duration.ofSeconds(3),
        Duration.ofSeconds(1), false);
    return world.startOperator(identity, RunningOperator.Options.defaults().concurrency(2).leaderElection(election), false);
  }

  private String leaseHolder() {
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** "VERB resource[/subresource]" of every write a replica made in this phase, leases and its permission check aside. */
  private List<String> writesBy(String identity) {
    return requestsBy(identity).stream()
        .filter(r -> !r.startsWith("GET "))
        .filter(r -> !r.endsWith(" leases") && !r.endsWith(" selfsubjectrulesreviews"))
        .toList();
  }

  /** "VERB resource[/subresource]" of every request a replica made in this phase. */
  private List<String> requestsBy(String identity) {
    List<ApiCall> all = world.requests();
    return all.subList(seen, all.size()).stream()
        .filter(r -> identity.equals(r.userAgent()))
        .flatMap(r -> r.resourceRequest().stream().map(q -> r.method() + " " + q.rbacResource()))
        .toList();
  }

  private List<String> jobsFor(String schema) {
    return client.batch().v1().jobs().inNamespace(NS).withLabel("dbops.io/schema", schema).list().getItems().stream()
        .map(j -> j.getMetadata().getName()).toList();
  }

  private boolean ready(String name) {
    DatabaseSchema schema = k8s.schema(name);
    return schema != null && schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY);
  }

  private void applyConnectionAndSchema(String schema) {
    world.cluster().secret(NS, "db-login", Map.of("username", "postgres", "password", "unused-with-trust"));
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
    applySchema(schema);
  }

  private void applySchema(String name) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: %1$s}
        spec:
          connectionRef: {name: db}
          schemas: [%1$s]
          migrations:
            inline:
              - name: V1__create_%1$s.sql
                sql: CREATE TABLE %1$s (id INT);
        """.formatted(name));
  }

  private int sql(String query) throws Exception {
    try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement(); var rs = st.executeQuery(query)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
