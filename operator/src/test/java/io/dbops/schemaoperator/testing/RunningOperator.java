package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator process as the tests run it: {@link SchemaOperator} on a client of the mock cluster
 * that names itself by {@link #userAgent()} in every request (so the request log tells this
 * process's requests from everyone else's), with its /metrics scraped through here so that every
 * scrape reaches the leak scan. The only place test code starts a {@link SchemaOperator}.
 */
public final class RunningOperator implements AutoCloseable {
  public static final String IMAGE = "ghcr.io/dbops/schema-operator:test";
  private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

  private final SchemaOperator operator;
  private final String userAgent;
  private final Consumer<String> scrapes;
  private boolean closed;

  /**
   * How to run it; {@link #defaults()} is what the scenarios use.
   *
   * @param httpPort 0 for a free port, -1 for no health and metrics server
   * @param watchNamespaces WATCH_NAMESPACES; empty for every namespace
   */
  public record Options(int concurrency, String image, LeaderElection leaderElection, InstanceAddresses instanceAddresses,
      int httpPort, WorkloadPolicy policy, Set<String> watchNamespaces) {
    public Options {
      watchNamespaces = Set.copyOf(watchNamespaces);
    }

    /**
     * The operator as a platform team would install it for the scenarios' application team: every
     * namespace watched, the default policy plus that team's images allowed as migration sources
     * ({@code ghcr.io/acme/**}).
     */
    public static Options defaults() {
      return new Options(4, IMAGE, null, InstanceAddresses.CLUSTER_DNS, 0,
          WorkloadPolicy.from(Map.of(WorkloadPolicy.MIGRATION_IMAGES, "ghcr.io/acme/**")), Set.of());
    }

    public Options policy(WorkloadPolicy workloadPolicy) {
      return new Options(concurrency, image, leaderElection, instanceAddresses, httpPort, workloadPolicy, watchNamespaces);
    }

    public Options concurrency(int threads) {
      return new Options(threads, image, leaderElection, instanceAddresses, httpPort, policy, watchNamespaces);
    }

    public Options image(String operatorImage) {
      return new Options(concurrency, operatorImage, leaderElection, instanceAddresses, httpPort, policy, watchNamespaces);
    }

    public Options leaderElection(LeaderElection election) {
      return new Options(concurrency, image, election, instanceAddresses, httpPort, policy, watchNamespaces);
    }

    public Options instanceAddresses(InstanceAddresses addresses) {
      return new Options(concurrency, image, leaderElection, addresses, httpPort, policy, watchNamespaces);
    }

    public Options withoutHttp() {
      return new Options(concurrency, image, leaderElection, instanceAddresses, -1, policy, watchNamespaces);
    }

    /** Watches only {@code namespaces}, as WATCH_NAMESPACES (and the chart's watchNamespaces) say. */
    public Options watching(Set<String> namespaces) {
      return new Options(concurrency, image, leaderElection, instanceAddresses, httpPort, policy, namespaces);
    }
  }

  private RunningOperator(SchemaOperator operator, String userAgent, Consumer<String> scrapes) {
    this.operator = operator;
    this.userAgent = userAgent;
    this.scrapes = scrapes;
  }

  /** Starts reconciling; returns once informers are running (not yet necessarily synced: see {@link #ready()}). */
  public static RunningOperator start(MockCluster cluster, String userAgent, Options options, Consumer<String> scrapes) {
    SchemaOperator operator = SchemaOperator.start(cluster.newClient(userAgent),
        new OperatorSettings(options.watchNamespaces(), null, options.concurrency(), options.image(), options.leaderElection(), options.httpPort(),
            options.policy()),
        options.instanceAddresses());
    return new RunningOperator(operator, userAgent, scrapes);
  }

  public String userAgent() {
    return userAgent;
  }

  public int httpPort() {
    return operator.httpPort();
  }

  public boolean ready() {
    return operator.ready();
  }

  /** GET {@code path} on the health and metrics server: the status code. */
  public int get(String path) {
    return send(path).statusCode();
  }

  /** /metrics as Prometheus gets it (status and content type checked); the text also goes to the leak scan. */
  public String scrape() {
    HttpResponse<String> response = send("/metrics");
    if (response.statusCode() != 200 || !response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
      throw new AssertionError("/metrics answered " + response.statusCode() + " with Content-Type "
          + response.headers().firstValue("Content-Type").orElse("(none)"));
    }
    scrapes.accept(response.body());
    return response.body();
  }

  private HttpResponse<String> send(String path) {
    if (httpPort() < 0) {
      throw new IllegalStateException("this operator was started without its HTTP server");
    }
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while asking for " + path, e);
    }
  }

  /**
   * /metrics as Prometheus reads it ({@link #scrape()}): each sample's series, its name and labels
   * as served, to its value.
   */
  public Map<String, Double> samples() {
    Map<String, Double> values = new LinkedHashMap<>();
    scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
      int space = l.lastIndexOf(' ');
      values.put(l.substring(0, space), value(l.substring(space + 1)));
    });
    return values;
  }

  /** A sample's value as the exposition format writes it (Go's float formatting: +Inf, -Inf, NaN). */
  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static final Pattern STARTED = Pattern.compile(
      "(?m)^operator_sdk_reconciliations_started_total\\{[^}]*kind=\"([A-Za-z]+)\"[^}]*\\} (\\S+)$");
  private static final Pattern EXECUTIONS = Pattern.compile(
      "(?m)^operator_sdk_reconciliations_executions_[a-z]+(?:\\{[^}]*\\})? (\\S+)$");

  /**
   * What java-operator-sdk's own metrics on /metrics say about this process's reconciles so far
   * (not per resource: the operator does not label them by resource, on purpose).
   */
  public Reconciles reconciles() {
    String text = scrape();
    Map<String, Long> started = new HashMap<>();
    Matcher m = STARTED.matcher(text);
    while (m.find()) {
      started.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
    }
    long running = 0;
    boolean gauges = false;
    Matcher e = EXECUTIONS.matcher(text);
    while (e.find()) {
      running += (long) Double.parseDouble(e.group(1));
      gauges = true;
    }
    if (!gauges) {
      throw new AssertionError("/metrics has no operator_sdk_reconciliations_executions_* gauge: cannot tell when"
          + " reconciles are done");
    }
    return new Reconciles(Map.copyOf(started), running);
  }

  /**
   * @param started reconciles started by this process, by kind (a reconcile is counted as it starts)
   * @param running reconciles of any kind under way right now
   */
  public record Reconciles(Map<String, Long> started, long running) {
    public long started(String kind) {
      return started.getOrDefault(kind, 0L);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (httpPort() >= 0) {
      // The last word: whatever it reports at the end is scanned too.
      scrape();
    }
    operator.close();
  }
}
