package io.dbops.schemaoperator.runtime;

import com.sun.net.httpserver.HttpServer;
import io.dbops.schemaoperator.controller.common.CaFiles;
import io.dbops.schemaoperator.controller.common.ConnectionResolver;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.connection.ConnectionProbe;
import io.dbops.schemaoperator.controller.connection.ConnectionReconciler;
import io.dbops.schemaoperator.controller.schema.DatabaseReader;
import io.dbops.schemaoperator.controller.schema.SchemaReconciler;
import io.dbops.schemaoperator.controller.schemaset.SchemaSetReconciler;
import io.dbops.schemaoperator.metrics.OperatorMetrics;
import io.dbops.schemaoperator.metrics.ResourceMetrics;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running operator: the connection, schema and schema-set controllers on one java-operator-sdk Operator, plus health and metrics endpoints. */
public final class SchemaOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaOperator.class);
  private final Operator operator;
  private final HttpServer http;
  private final OperatorMetrics metrics;
  private final ResourceMetrics resourceMetrics;
  private final IdleConnections reads;
  private final AtomicBoolean closing;

  private SchemaOperator(Operator operator, HttpServer http, OperatorMetrics metrics, ResourceMetrics resourceMetrics,
      IdleConnections reads, AtomicBoolean closing) {
    this.operator = operator;
    this.http = http;
    this.metrics = metrics;
    this.resourceMetrics = resourceMetrics;
    this.reads = reads;
    this.closing = closing;
  }

  /** Starts reconciling; returns once informers are running. {@code httpPort} 0 picks a free port; -1 none. */
  public static SchemaOperator start(KubernetesClient client, OperatorSettings settings) {
    return start(client, settings, InstanceAddresses.CLUSTER_DNS);
  }

  /** {@code instanceAddresses}: where this process reaches managed databases; cluster DNS in a cluster. */
  public static SchemaOperator start(KubernetesClient client, OperatorSettings settings, InstanceAddresses instanceAddresses) {
    OperatorMetrics metrics = new OperatorMetrics();
    AtomicBoolean closing = new AtomicBoolean();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics.reconcileMetrics())
          .withConcurrentReconciliationThreads(Math.max(1, settings.concurrency()))
          .withCloseClientOnStop(false)
          .withResourceCloner(new ReadProblemKeepingCloner(client.getKubernetesSerialization()))
          // The fabric8 mock server and some proxies lack server-side apply; merge patches work everywhere.
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false);
      LeaderElection election = settings.leaderElection();
      if (election != null) {
        // java-operator-sdk's own exit on a lost Lease would also fire when close() gives the Lease
        // up on SIGTERM, calling System.exit inside the shutdown hook, which never returns: the Pod
        // would hang until it is killed. This exits only when the Lease is lost while running.
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LeaderElection.LEASE_NAME, election.leaseNamespace(),
            election.leaseDuration(), election.renewDeadline(), election.retryPeriod(), election.identity(),
            new LeaderCallbacks(() -> {}, () -> leaseLost(election, closing), leader -> {}), false));
      }
    });
    JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();
    IdleConnections reads = IdleConnections.forReads();
    ConnectionResolver resolver = new ConnectionResolver(CaFiles.inTemporaryDirectory());
    ConnectionReconciler connections = new ConnectionReconciler(new ConnectionProbe(targets, reads), resolver, instanceAddresses,
        settings.workloadPolicy());
    operator.register(connections, scope(settings));
    // Schemas read the same Secrets as their connections: one informer's cache serves both.
    operator.register(new SchemaReconciler(settings.operatorImage(), new DatabaseReader(targets, reads), resolver, connections::cachedSecret,
        instanceAddresses, settings.workloadPolicy()),
        scope(settings));
    operator.register(new SchemaSetReconciler(settings.labelSelectorKeys()), scope(settings));
    operator.start();
    ResourceMetrics resources = ResourceMetrics.start(client, metrics.registry(), settings.namespaces(), settings.labelSelector());
    HttpServer http = settings.httpPort() < 0 ? null : serve(operator, metrics, settings.httpPort());
    return new SchemaOperator(operator, http, metrics, resources, reads, closing);
  }

  /**
   * The Lease went to another replica (this one could not renew it in time): it may be reconciling
   * already, so this process must stop. Exiting is the only way out java-operator-sdk offers;
   * Kubernetes starts the container again, as a standby. From a thread of its own: the elector calls
   * this holding a lock that the shutdown hook's close() needs too.
   */
  private static void leaseLost(LeaderElection election, AtomicBoolean closing) {
    if (closing.get() || !election.exitWhenLost()) {
      return;
    }
    LOG.error("lost the leader-election Lease {}/{} as {}: exiting, so that only the new holder reconciles",
        election.leaseNamespace(), LeaderElection.LEASE_NAME, election.identity());
    new Thread(() -> System.exit(1), "lease-lost-exit").start();
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> Consumer<ControllerConfigurationOverrider<R>> scope(
      OperatorSettings settings) {
    return c -> {
      if (!settings.namespaces().isEmpty()) {
        c.settingNamespaces(settings.namespaces());
      }
      if (settings.labelSelector() != null) {
        c.withLabelSelector(settings.labelSelector());
      }
    };
  }

  private static HttpServer serve(Operator operator, OperatorMetrics metrics, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/healthz", exchange -> respond(exchange, operator.getRuntimeInfo().isStarted()));
      // Ready only once every informer has synced and stays healthy: before that, status would be guesswork.
      server.createContext("/readyz", exchange -> respond(exchange,
          operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
      server.createContext("/metrics", exchange -> {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", OperatorMetrics.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " for health checks", e);
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int httpPort() {
    return http == null ? -1 : http.getAddress().getPort();
  }

  public boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    closing.set(true);
    if (http != null) {
      http.stop(0);
    }
    operator.stop();
    reads.close();
    resourceMetrics.close();
    metrics.close();
  }
}
