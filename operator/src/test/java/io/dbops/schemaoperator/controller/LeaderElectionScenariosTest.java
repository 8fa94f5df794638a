package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the operator with leader election on, as the Helm chart runs them with
 * replicas: 2, and as a rolling update runs the new Pod beside the old one. One holds the Lease and
 * reconciles; the other waits without writing anything, and takes over when the first stops.
 */
class LeaderElectionScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String LEASE_NAMESPACE = "dbops-system";
  private static final String NS = "leader";
  private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

  private EmbeddedPostgres postgres;
  private MockCluster cluster;
  private KubernetesClient client;
  private Namespace k8s;
  private FakeJobController jobs;
  private final List<SchemaOperator> replicas = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    postgres = EmbeddedPostgres.start();
    cluster = MockCluster.start();
    client = cluster.client();
    k8s = new Namespace(client, NS);
    jobs = FakeJobController.start(client);
  }

  @AfterEach
  void stop() throws Exception {
    replicas.forEach(SchemaOperator::close);
    jobs.close();
    cluster.close();
    postgres.close();
  }

  @Test
  void oneReplicaReconcilesTheOtherWaitsAndTakesOverWhenTheFirstStops() throws Exception {
    SchemaOperator first = replica("replica-a");
    Eventually.await("replica-a holds the Lease", CONVERGE, () -> "replica-a".equals(leaseHolder()));
    SchemaOperator standby = replica("replica-b");

    applyConnectionAndSchema("orders");
    Eventually.await("orders Ready", CONVERGE, () -> ready("orders"));

    assertThat(jobsFor("orders")).as("one Job, though two replicas saw the schema").hasSize(1);
    assertThat(leaseHolder()).isEqualTo("replica-a");
    assertThat(writesBy("replica-b")).as("the standby writes nothing but its permission check").isEmpty();
    assertThat(writesBy("replica-a")).as("the leader did the work").contains("PUT databaseschemas/status");
    assertThat(get(standby, "/healthz")).as("a standby is alive: its liveness probe must not restart it").isEqualTo(200);
    assertThat(get(standby, "/readyz")).as("a rolling update stops the old leader only once the new Pod, a standby, is ready").isEqualTo(200);

    first.close();
    replicas.remove(first);
    Eventually.await("replica-b took the Lease", CONVERGE, () -> "replica-b".equals(leaseHolder()));
    requests.clear();
    applySchema("invoices");
    Eventually.await("invoices Ready under the new leader", CONVERGE, () -> ready("invoices"));

    assertThat(jobsFor("invoices")).hasSize(1);
    assertThat(jobsFor("orders")).as("the new leader adopts what is done, it does not run it again").hasSize(1);
    assertThat(writesBy("replica-b")).contains("PUT databaseschemas/status");
    assertThat(sql("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orders', 'invoices')")).isEqualTo(2);
  }

  private SchemaOperator replica(String identity) {
    // Short timings so the test sees a takeover in seconds; production uses LeaderElection.in(...).
    LeaderElection election = new LeaderElection(LEASE_NAMESPACE, identity, Duration.ofSeconds(4), Duration.ofSeconds(3),
        Duration.ofSeconds(1), false);
    SchemaOperator replica = SchemaOperator.start(cluster.newClient(identity),
        new OperatorSettings(Set.of(), null, 2, "ghcr.io/dbops/schema-operator:test", election, 0));
    replicas.add(replica);
    return replica;
  }

  private String leaseHolder() {
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** "VERB resource[/subresource]" of every write a replica made, leases and its permission check aside. */
  private List<String> writesBy(String identity) {
    cluster.drainRequests(requests::add);
    return requests.stream()
        .filter(r -> identity.equals(r.getHeader("User-Agent")))
        .filter(r -> !"GET".equals(r.getMethod()))
        .map(r -> r.getMethod() + " " + r.getPath().replaceAll("\\?.*", ""))
        .filter(w -> !w.contains("/leases") && !w.endsWith("/selfsubjectrulesreviews"))
        .map(w -> {
          String[] parts = w.split("/");
          boolean status = w.endsWith("/status");
          boolean collection = w.startsWith("POST");
          String resource = parts[parts.length - (status ? 3 : collection ? 1 : 2)];
          return w.substring(0, w.indexOf(' ')) + " " + resource + (status ? "/status" : "");
        })
        .toList();
  }

  private int get(SchemaOperator replica, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
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
    cluster.secret(NS, "db-login", Map.of("username", "postgres", "password", "unused-with-trust"));
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
