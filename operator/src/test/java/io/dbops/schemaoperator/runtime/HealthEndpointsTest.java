package io.dbops.schemaoperator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.RunningOperator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the kubelet and the Deployment see of the running operator: the health endpoints its
 * probes call, and how its environment becomes settings (or a refusal that says what to fix).
 */
class HealthEndpointsTest {
  private static final String IMAGE = "ghcr.io/dbops/schema-operator:test";
  // Straight to the loopback address: a proxy configured on the build machine must not be asked.
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private static MockCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = MockCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void portZeroListensOnAFreePortAndAnswersHealthAndReadinessUntilClosed() throws Exception {
    RunningOperator operator = RunningOperator.start(cluster, "schema-operator", RunningOperator.Options.defaults().concurrency(2),
        scrape -> {});
    int port;
    try {
      port = operator.httpPort();
      assertThat(port).as("the port the server really bound").isPositive();

      HttpResponse<String> health = get(port, "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");

      awaitStatus(port, "/readyz", 200);
      assertThat(operator.ready()).as("/readyz agrees with the operator's own view").isTrue();
    } finally {
      operator.close();
    }

    assertThat(accepts(port)).as("nothing listens on " + port + " after close()").isFalse();
  }

  @Test
  void minusOneStartsNoServer() {
    RunningOperator operator = RunningOperator.start(cluster, "schema-operator",
        RunningOperator.Options.defaults().concurrency(2).withoutHttp(), scrape -> {});
    try {
      assertThat(operator.httpPort()).isEqualTo(-1);
    } finally {
      operator.close();
    }
  }

  @Test
  void aMissingOperatorImageIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("WATCH_NAMESPACES", "a")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPERATOR_IMAGE is not set")
        .hasMessageContaining("image migration Jobs run");
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("OPERATOR_IMAGE", "  ")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPERATOR_IMAGE");
  }

  @Test
  void aNonNumericConcurrencyIsRefusedSayingWhatToSet() {
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "RECONCILE_CONCURRENCY", "lots")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RECONCILE_CONCURRENCY=lots")
        .hasMessageContaining("set RECONCILE_CONCURRENCY to a whole number such as 10")
        .hasMessageContaining("default 10");
  }

  @Test
  void watchNamespacesIsACommaListWithSpacesIgnored() {
    OperatorSettings settings = OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "WATCH_NAMESPACES", "a, b"));

    assertThat(settings.namespaces()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void defaultsOutsideAndInsideACluster() {
    OperatorSettings outside = OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE));
    assertThat(outside.operatorImage()).isEqualTo(IMAGE);
    assertThat(outside.namespaces()).as("empty watches every namespace").isEmpty();
    assertThat(outside.labelSelector()).isNull();
    assertThat(outside.concurrency()).isEqualTo(10);
    assertThat(outside.httpPort()).isEqualTo(8080);
    assertThat(outside.leaderElection()).as("a developer's laptop has no Lease to share").isNull();

    OperatorSettings inside = OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "KUBERNETES_SERVICE_HOST", "10.96.0.1",
        "POD_NAMESPACE", "dbops-system", "HOSTNAME", "schema-operator-7d9f-abcde"));
    assertThat(inside.leaderElection()).isEqualTo(LeaderElection.in("dbops-system", "schema-operator-7d9f-abcde"));
    assertThat(inside.leaderElection().exitWhenLost()).as("a replica that lost the Lease must stop reconciling").isTrue();

    OperatorSettings noHostname = OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "LEADER_ELECTION", "true"));
    assertThat(noHostname.leaderElection().leaseNamespace()).isEqualTo("default");
    assertThat(noHostname.leaderElection().identity()).as("unique without a Pod name").startsWith("schema-operator-")
        .isNotEqualTo(OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "LEADER_ELECTION", "true")).leaderElection().identity());

    OperatorSettings optedOut = OperatorSettings.from(Map.of("OPERATOR_IMAGE", IMAGE, "KUBERNETES_SERVICE_HOST", "10.96.0.1",
        "LEADER_ELECTION", "false"));
    assertThat(optedOut.leaderElection()).isNull();
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitStatus(int port, String path, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = get(port, path).statusCode();
      if (last == expected) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " answered " + last + ", not " + expected + ", within 60 s");
  }

  private static boolean accepts(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }
}
