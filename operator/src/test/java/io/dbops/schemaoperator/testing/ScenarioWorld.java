package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything a scenario test class runs in, as a JUnit extension on a static field: the mock
 * cluster with our CRDs, the fake Job controller (and, if asked, the fake StatefulSet controller),
 * the operator processes, and, per test if asked, a fresh namespace and a freshly started operator.
 *
 * <p>It also records all that the operator and its Jobs put out: every request body the mock API
 * server received, every line logged in this JVM, everything each Job's containers printed, and
 * every /metrics scrape. After the last test it fails the class when any of that holds a value of
 * any Secret written to the cluster (in the forms {@link LeakScan} knows), or when an operator
 * made a request that the Helm chart's RBAC, as installed for that operator (its watched
 * namespaces), does not allow ({@link ChartRbac}). Operators and helpers each have a user agent of
 * their own, so the request log tells whose request was whose.
 */
public final class ScenarioWorld implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final AtomicInteger OPERATORS = new AtomicInteger();
  /** The annotation {@link #reconcileAgain} changes; the operator reads nothing from it. */
  public static final String POKE = "scenario.dbops.io/poke";

  private String namespacePrefix;
  private List<String> watchedSuffixes = List.of();
  private UnaryOperator<RunningOperator.Options> operatorOptions = UnaryOperator.identity();
  private Function<RecordedRequest, Optional<MockResponse>> refusals;
  private boolean operatorPerTest;
  private boolean withStatefulSets;
  private boolean withStatusTrail;
  private Duration converge = Duration.ofSeconds(60);

  private MockCluster cluster;
  private FakeJobController jobs;
  private FakeStatefulSetController statefulSets;
  private ConsoleCapture console;
  private StatusTrail statusTrail;
  private final List<ApiCall> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> scrapes = Collections.synchronizedList(new ArrayList<>());
  private final List<RunningOperator> operators = new ArrayList<>();
  /** How each operator, by user agent, was started: its requests are checked against the chart installed so. */
  private final Map<String, RunningOperator.Options> operatorAgents = new ConcurrentHashMap<>();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicInteger pokes = new AtomicInteger();
  private RunningOperator operator;
  private List<String> namespaces = List.of();

  private ScenarioWorld() {}

  /** One cluster for the class; each test in a namespace of its own ({@code prefix} and a number) with an operator of its own. */
  public static ScenarioWorld perTest(String namespacePrefix) {
    ScenarioWorld world = new ScenarioWorld();
    world.namespacePrefix = namespacePrefix;
    world.operatorPerTest = true;
    return world;
  }

  /** One cluster for the class; the class starts its operators itself ({@link #startOperator}). */
  public static ScenarioWorld shared() {
    return new ScenarioWorld();
  }

  /** Adds the fake StatefulSet controller: managed instances get a real PostgreSQL, reached through its addresses. */
  public ScenarioWorld withStatefulSets() {
    withStatefulSets = true;
    return this;
  }

  /** Checks every status written during each test the way Flux and Argo CD read it ({@link StatusTrail}). */
  public ScenarioWorld withStatusTrail() {
    withStatusTrail = true;
    return this;
  }

  /**
   * With {@link #perTest}: each test gets one namespace per suffix (the prefix, the test's number,
   * the suffix), and the operators the world starts watch exactly those (WATCH_NAMESPACES, and the chart's Roles in each
   * of them for the RBAC check). {@link #namespace()} is the first.
   */
  public ScenarioWorld watching(String... suffixes) {
    watchedSuffixes = List.of(suffixes);
    return this;
  }

  /** Every operator the world starts itself ({@link #startOperator()}) runs with {@code change} applied to its options. */
  public ScenarioWorld operatorOptions(UnaryOperator<RunningOperator.Options> change) {
    operatorOptions = change;
    return this;
  }

  /**
   * Requests {@code answers} gives a response for get that response (see {@link MockCluster#refusal}),
   * as from an API server that refuses them: a 422 for an invalid object, a 403 over a quota.
   */
  public ScenarioWorld refusing(Function<RecordedRequest, Optional<MockResponse>> answers) {
    refusals = answers;
    return this;
  }

  /** How long the world's own waits (operator ready, reconciles done) may take; 60 s unless said. */
  public ScenarioWorld converge(Duration limit) {
    converge = limit;
    return this;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Starts the cluster and the fake controllers; the extension calls this before the first test. */
  public void start() {
    console = ConsoleCapture.start();
    cluster = refusals == null ? MockCluster.start() : MockCluster.startRefusing(refusals);
    cluster.onRequest(calls::add);
    cluster.rbac(this::chartOf);
    jobs = FakeJobController.start(cluster.newClient("fake-job-controller"));
    if (withStatefulSets) {
      statefulSets = FakeStatefulSetController.start(cluster.newClient("fake-statefulset-controller"));
    }
    if (withStatusTrail) {
      statusTrail = new StatusTrail(cluster::client);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (namespacePrefix != null) {
      String base = namespacePrefix + sequence.incrementAndGet();
      namespaces = watchedSuffixes.isEmpty() ? List.of(base) : watchedSuffixes.stream().map(s -> base + s).toList();
    }
    if (statusTrail != null) {
      statusTrail.beforeEach(context);
    }
    if (operatorPerTest) {
      operator = startOperator();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    jobs.resume();
    if (operatorPerTest && operator != null) {
      operator.close();
    }
    if (statusTrail != null) {
      statusTrail.afterEach(context);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
    List<String> findings = findings();
    if (!findings.isEmpty()) {
      throw new AssertionError(findings.size() + " problem(s) in what the operator and its Jobs did:\n  "
          + String.join("\n  ", findings));
    }
  }

  /** Stops every operator (each scraped one last time), the fake controllers, whatever the class handed over, and the cluster. */
  public void stop() throws Exception {
    try {
      synchronized (operators) {
        operators.forEach(RunningOperator::close);
      }
      if (jobs != null) {
        jobs.close();
      }
      if (statefulSets != null) {
        statefulSets.close();
      }
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      if (console != null) {
        console.close();
      }
    }
  }

  /**
   * Everything wrong with what was recorded: secret values found (and problems with the scan
   * itself), and operator requests the chart's RBAC refuses. Empty when all is well.
   */
  public List<String> findings() {
    List<String> findings = new ArrayList<>(leaks());
    findings.addAll(refusedByChart().stream().map(r -> "the chart's RBAC does not allow the operator's " + r).toList());
    return findings;
  }

  /** Secret values in request bodies, logs, Job logs and scrapes, and anything that kept the scan from working. */
  public List<String> leaks() {
    List<ApiCall> all = requests();
    LeakScan scan = leakScan(all);
    List<String> leaks = new ArrayList<>(scan.problems());
    for (ApiCall call : all) {
      if (call.body() != null && !isSecretWrite(call)) {
        leaks.addAll(scan.scan("request body of " + call.method() + " " + call.path() + " by " + call.userAgent(), call.body()));
      }
    }
    leaks.addAll(scan.scan("the log (System.out, System.err, java.util.logging)", console.text()));
    for (FakeJobController.JobLog log : jobs.logs()) {
      leaks.addAll(scan.scan("the log of Job " + log.job(), log.text()));
    }
    List<String> scraped;
    synchronized (scrapes) {
      scraped = List.copyOf(scrapes);
    }
    for (int i = 0; i < scraped.size(); i++) {
      leaks.addAll(scan.scan("metrics scrape " + (i + 1), scraped.get(i)));
    }
    return leaks;
  }

  /** Whether the leak scan looks for {@code value}: it was written to the cluster in a Secret, under a key that is secret. */
  public boolean scansFor(String value) {
    return !leakScan(requests()).scan("", value).isEmpty();
  }

  /** A scan for the value of every Secret written to the cluster so far, whoever wrote it (the operator's generated ones too). */
  private static LeakScan leakScan(List<ApiCall> all) {
    LeakScan scan = new LeakScan();
    for (ApiCall call : all) {
      if (isSecretWrite(call)) {
        scan.secretWrite(call.resourceRequest().map(r -> r.namespace() + "/" + r.name()).orElse(call.path()), call.body());
      }
    }
    return scan;
  }

  /** A Secret's body, written: where its values belong. */
  private static boolean isSecretWrite(ApiCall call) {
    return call.body() != null && call.resourceRequest()
        .filter(r -> r.resource().equals("secrets") && r.subresource().isEmpty() && Set.of("create", "update", "patch").contains(r.verb()))
        .isPresent();
  }

  /** The operators' requests that the Helm chart's Roles, as installed for each operator, do not allow. */
  public List<String> refusedByChart() {
    Map<String, List<ApiCall>> byOperator = requests().stream().filter(c -> operatorAgents.containsKey(c.userAgent()))
        .collect(Collectors.groupingBy(ApiCall::userAgent));
    if (!operatorAgents.isEmpty() && byOperator.isEmpty()) {
      return List.of("requests: none seen from the operators' user agents " + operatorAgents.keySet() + ", so none was checked");
    }
    return byOperator.entrySet().stream().flatMap(e -> chartOf(e.getKey()).refused(e.getValue()).stream()).distinct().toList();
  }

  /** The chart's RBAC as installed for the operator that names itself {@code userAgent}; the default chart for anyone else. */
  private ChartRbac chartOf(String userAgent) {
    RunningOperator.Options options = userAgent == null ? null : operatorAgents.get(userAgent);
    return options == null ? ChartRbac.ofDefaultChart() : ChartRbac.watching(options.watchNamespaces());
  }

  // ---- the operator ---------------------------------------------------------------------------

  /**
   * Starts an operator process as the scenarios run it (watching the test's namespaces if the world
   * is {@linkplain #watching watching}, with the class's {@linkplain #operatorOptions options}), and
   * waits until it is ready.
   */
  public RunningOperator startOperator() {
    RunningOperator.Options options = RunningOperator.Options.defaults();
    if (statefulSets != null) {
      options = options.instanceAddresses(statefulSets.addresses());
    }
    if (!watchedSuffixes.isEmpty()) {
      options = options.watching(Set.copyOf(namespaces));
    }
    return startOperator("schema-operator-" + OPERATORS.incrementAndGet(), operatorOptions.apply(options), true);
  }

  /**
   * Starts an operator process that names itself {@code userAgent}; waits until it is ready when
   * {@code awaitReady} (a standby under leader election is ready too, but one may want to watch it start).
   */
  public RunningOperator startOperator(String userAgent, RunningOperator.Options options, boolean awaitReady) {
    operatorAgents.put(userAgent, options);
    // Rendered now, not on the API server's thread when the operator first asks what it may do:
    // Helm's first render in a JVM loads a native library, which can outlast the client's timeout.
    chartOf(userAgent);
    RunningOperator started = RunningOperator.start(cluster, userAgent, options, scrapes::add);
    synchronized (operators) {
      operators.add(started);
    }
    if (awaitReady) {
      Eventually.await("operator " + userAgent + " ready", converge, started::ready);
    }
    return started;
  }

  /** Stops the current operator and starts another, as a restarted Pod would; returns the new one. */
  public RunningOperator restartOperator() {
    operator.close();
    operator = startOperator();
    return operator;
  }

  /** The operator of the current test. */
  public RunningOperator operator() {
    return operator;
  }

  /**
   * Waits until {@code op} has started a reconcile for at least as many DatabaseSchemas and
   * DatabaseConnections as exist, and none is running: after a start, each resource is reconciled
   * once, so from then on whatever it did not do, it decided not to do. (Its metrics count reconciles
   * per kind, not per resource; a resource reconciled twice could stand in for one not yet reconciled,
   * which right after a start only a change to that resource would cause.)
   */
  public void awaitCaughtUp(RunningOperator op) {
    int schemas = cluster.client().resources(DatabaseSchema.class).inAnyNamespace().list().getItems().size();
    int connections = cluster.client().resources(DatabaseConnection.class).inAnyNamespace().list().getItems().size();
    Eventually.await(op.userAgent() + " reconciled each of " + schemas + " DatabaseSchemas and " + connections
        + " DatabaseConnections and is idle", converge, () -> {
          RunningOperator.Reconciles r = op.reconciles();
          return r.started("DatabaseSchema") >= schemas && r.started("DatabaseConnection") >= connections && r.running() == 0;
        });
  }

  /**
   * Applies {@code change} and waits until the current operator has started a DatabaseSchema
   * reconcile after it and has none running: the positive sign that a check of what did not happen
   * waits for. (Counted per kind: in the milliseconds before the change is seen, another schema's
   * reconcile finishing would end the wait early; in these scenarios others come tens of seconds apart.)
   */
  public void awaitReconcileAfter(Runnable change) {
    long before = operator.reconciles().started("DatabaseSchema");
    change.run();
    Eventually.await("a DatabaseSchema reconcile by " + operator.userAgent() + " after the change, finished", converge, () -> {
      RunningOperator.Reconciles r = operator.reconciles();
      return r.started("DatabaseSchema") > before && r.running() == 0;
    });
  }

  /**
   * Makes the current operator reconcile DatabaseSchema {@code name} of the current namespace once
   * more (by changing an annotation it ignores) and waits until that reconcile is done: what a
   * timer or any later event would decide, it decides now.
   */
  public void reconcileAgain(String name) {
    awaitReconcileAfter(() -> k8s().annotate(DatabaseSchema.class, name, POKE, String.valueOf(pokes.incrementAndGet())));
  }

  /**
   * Deletes what Kubernetes' garbage collector would in the current namespace, now that an owner
   * is gone (the mock API server keeps orphans); returns "Kind/name" of each object deleted.
   */
  public List<String> collectGarbage() {
    return GarbageCollector.collect(client(), namespace());
  }

  // ---- what is in it --------------------------------------------------------------------------

  public MockCluster cluster() {
    return cluster;
  }

  /** The client tests use to act as a person with kubectl would (fabric8's default user agent). */
  public KubernetesClient client() {
    return cluster.client();
  }

  public FakeJobController jobs() {
    return jobs;
  }

  public FakeStatefulSetController statefulSets() {
    return statefulSets;
  }

  public StatusTrail statusTrail() {
    return statusTrail;
  }

  /** The current test's namespace (the first, when it has several). */
  public String namespace() {
    return namespaces.isEmpty() ? null : namespaces.get(0);
  }

  /** The current test's namespaces, one for each suffix the world is {@linkplain #watching watching}. */
  public List<String> namespaces() {
    return namespaces;
  }

  /** The current test's namespace, to write and read as a person would. */
  public Namespace k8s() {
    return k8s(namespace());
  }

  /** Any namespace, to write and read as a person would. */
  public Namespace k8s(String name) {
    return new Namespace(cluster.client(), name);
  }

  /** Closed after the operators and fake controllers have stopped, last handed over first (a database, say). */
  public <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  /** Every request the mock API server has answered since the world started, oldest first. */
  public List<ApiCall> requests() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }
}
