package io.dbops.schemaoperator.bench;

import static io.dbops.schemaoperator.bench.JvmFigures.heapAfterGc;
import static io.dbops.schemaoperator.bench.JvmFigures.jvmOptions;
import static io.dbops.schemaoperator.bench.JvmFigures.loadAverage;
import static io.dbops.schemaoperator.bench.JvmFigures.mib;
import static io.dbops.schemaoperator.bench.Watches.handler;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.ConnectionSelector;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSetSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.HealthCheck;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.Rollout;
import io.dbops.schemaoperator.model.SchemaTemplate;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What fanning one schema out through a DatabaseSchemaSet costs against writing every
 * DatabaseSchema by hand. One run, one operator on the mock API server, 1,000 tenant databases in
 * one embedded PostgreSQL, each behind its own DatabaseConnection: first 1,000 independent
 * DatabaseSchemas (one per connection, created by the benchmark as fast as the API server takes
 * them), then one DatabaseSchemaSet over the same connections with {@code maxParallel: 1000} (the
 * default canary of 1 included). Each phase is timed from its first create until every schema is
 * Ready (for the set: until the set itself says RolledOut). The two phases write different Flyway
 * schemas, so each finds an untouched one. Jobs are answered at once as in {@link
 * OperatorScaleBenchmark}; afterwards every real migrate runs, outside the clock, and must give what
 * was reported.
 *
 * <p>The operator is a process of its own, as in a cluster: the jar's {@code run} command ({@link
 * OperatorProcess}) on the image's Java 25 with the image's entrypoint options (operator.jvm.options
 * and the AOT cache, made here by the image's training run) with the heap and collector the JVM picks
 * in the chart's Pod (half its 1Gi memory limit, the serial collector), configured by
 * its environment (RECONCILE_CONCURRENCY, OPERATOR_IMAGE; WATCH_NAMESPACES unset). The mock API
 * server with its store of every object, the fake Job controller, the benchmark's watches and its
 * request log stay in this JVM. The heap figure is the operator process's: once the set has rolled
 * out and the benchmark's watches and Job controller are closed, full collections are forced in it
 * and its used heap read ({@code jcmd GC.run}, {@code jcmd GC.heap_info}).
 *
 * <p>Run: {@code mvn -B -pl operator -Pbench test -Dtest=FanoutBenchmark}. Knobs: {@code
 * bench.tenants} (1000), {@code bench.concurrency} (reconcile threads, 8), {@code bench.jobWorkers} (4),
 * {@code bench.java25} (the JDK the operator runs on, /usr/lib/jvm/temurin-25-jdk-amd64), {@code
 * bench.operatorJvm} (more options for it, last, so they win: {@code -XX:AOTMode=off} starts it without
 * the AOT cache, {@code -Xmx256m} gives it less heap).
 * Figures go to target/bench/fanout.txt (the operator's log to target/bench/fanout-operator.log); the
 * last line is the key figure.
 */
class FanoutBenchmark {
  private static final int TENANTS = Integer.getInteger("bench.tenants", 1000);
  private static final long LIMIT_SECONDS = 900;
  private static final String NS = "fanout";
  private static final String TENANT_LABEL = "dbops.io/tenant-db";
  private static final String IMAGE = "ghcr.io/dbops/schema-operator:bench";
  private static final Path JAVA25 = Path.of(System.getProperty("bench.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
  /**
   * The operator's heap and collector as the JVM sizes them in the chart's Pod: half of its 1Gi memory
   * limit (the entrypoint's -XX:MaxRAMPercentage=50; here there is no container limit to take half
   * of, hence -Xmx) and the serial collector, which Java picks with under 1792 MiB of memory.
   */
  private static final List<String> AS_IN_THE_POD = List.of("-Xmx512m", "-XX:+UseSerialGC");
  /** More options for the operator's JVM, after the others (so they win): e.g. -XX:AOTMode=off, -Xmx256m. */
  private static final List<String> EXTRA = List.of(System.getProperty("bench.operatorJvm", "").trim().split("\\s+")).stream()
      .filter(o -> !o.isEmpty()).toList();

  private final Map<String, Long> requests = new TreeMap<>();
  /** Every request the mock API server answered since the last tally. */
  private final java.util.Queue<ApiCall> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

  @Test
  void oneSetOverAThousandTenantsAgainstAThousandSchemasWrittenByHand() throws Exception {
    int concurrency = Integer.getInteger("bench.concurrency", 8);
    int jobWorkers = Integer.getInteger("bench.jobWorkers", 4);
    List<String> lines = new ArrayList<>();
    String loadBefore = loadAverage();

    // The operator's JVM as the image starts it (Dockerfile ENTRYPOINT): its options, its AOT cache.
    Path work = Files.createDirectories(Path.of("target", "bench", "fanout").toAbsolutePath());
    Path cache = work.resolve("schema-operator.aot");
    OperatorProcess.trainAotCache(JAVA25, cache);
    List<String> operatorOptions = new ArrayList<>(List.of(
        System.getProperty("operator.jvm.options", "-XX:TieredStopAtLevel=1").trim().split("\\s+")));
    operatorOptions.add("-XX:AOTCache=" + cache);
    operatorOptions.addAll(AS_IN_THE_POD);
    operatorOptions.add("-XX:+ExitOnOutOfMemoryError");
    operatorOptions.addAll(EXTRA);
    Path operatorLog = Path.of("target", "bench", "fanout-operator.log").toAbsolutePath();

    Path data = Files.createTempDirectory("pg-fanout");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
            // Each database read keeps its login up to 30 s (IdleConnections): one backend per tenant at the peak.
            .setServerConfig("max_connections", String.valueOf(TENANTS + 300))
            .setServerConfig("fsync", "off")
            .start();
        MockCluster cluster = MockCluster.startIndexed()) {
      long setupStart = System.nanoTime();
      createDatabases(postgres);
      double databasesSeconds = (System.nanoTime() - setupStart) / 1e9;
      KubernetesClient client = cluster.client();
      // The settings the operator had when it ran in this JVM: reconcile concurrency, image, every namespace.
      Map<String, String> operatorEnv = new TreeMap<>(OperatorProcess.environment(cluster, IMAGE));
      operatorEnv.put("RECONCILE_CONCURRENCY", String.valueOf(concurrency));
      cluster.onRequest(calls::add);
      cluster.secret(NS, "tenant-login", Map.of("username", "postgres", "password", "unused-with-trust"));
      for (int t = 0; t < TENANTS; t++) {
        client.resource(connection(t, postgres.getPort())).create();
      }
      FakeJobController jobs = FakeJobController.startInstant(client, jobWorkers);
      Readiness connections = new Readiness(TENANTS, c -> true);
      Readiness independent = new Readiness(TENANTS, s -> s.getMetadata().getName().startsWith("indep-"));
      Readiness children = new Readiness(TENANTS, s -> s.getMetadata().getLabels() != null
          && s.getMetadata().getLabels().containsKey(Labels.SCHEMA_SET));
      CountDownLatch setRolledOut = new CountDownLatch(1);
      AtomicLong setRolledOutAt = new AtomicLong();
      try (SharedIndexInformer<DatabaseConnection> connectionWatch = client.resources(DatabaseConnection.class).inNamespace(NS)
              .inform(handler(c -> connections.seen(c.getMetadata().getName(), ready(c.getStatus() == null ? null
                  : c.getStatus().getConditions(), c.getMetadata().getGeneration(), c.getStatus() == null ? null
                  : c.getStatus().getObservedGeneration()), c)));
          SharedIndexInformer<DatabaseSchema> schemaWatch = client.resources(DatabaseSchema.class).inNamespace(NS)
              .inform(handler(s -> {
                boolean ready = s.getStatus() != null && ready(s.getStatus().getConditions(), s.getMetadata().getGeneration(),
                    s.getStatus().getObservedGeneration());
                independent.seen(s.getMetadata().getName(), ready, s);
                children.seen(s.getMetadata().getName(), ready, s);
              }));
          SharedIndexInformer<DatabaseSchemaSet> setWatch = client.resources(DatabaseSchemaSet.class).inNamespace(NS)
              .inform(handler(set -> {
                if (set.getStatus() != null && set.getStatus().getTargets() != null
                    && set.getStatus().getTargets().getReady() == TENANTS
                    && Conditions.find(set.getStatus().getConditions(), Conditions.READY)
                        .filter(c -> "RolledOut".equals(c.getReason()) && "True".equals(c.getStatus())).isPresent()
                    && set.getMetadata().getGeneration().equals(set.getStatus().getObservedGeneration())
                    && setRolledOutAt.compareAndSet(0, System.nanoTime())) {
                  setRolledOut.countDown();
                }
              }));
          OperatorProcess operator = OperatorProcess.run(JAVA25, operatorOptions, operatorEnv, operatorLog)) {
        double operatorReadySeconds = operator.awaitReady(java.time.Duration.ofSeconds(300));
        assertThat(connections.await(operator)).as("every connection Ready within %d s (%d were)%s", LIMIT_SECONDS,
            connections.count(), exited(operator)).isTrue();
        calls.clear();

        // Phase 1: a DatabaseSchema per tenant, written by hand.
        long independentStart = System.nanoTime();
        for (int t = 0; t < TENANTS; t++) {
          client.resource(independentSchema(t)).create();
        }
        assertThat(independent.await(operator)).as("every independent schema Ready (%d were)%s", independent.count(),
            exited(operator)).isTrue();
        double independentSeconds = (independent.doneAt() - independentStart) / 1e9;
        Map<String, Long> independentRequests = tally(cluster);

        // The reads of phase 1 keep their logins for 30 s; phase 2 must not find them warm.
        Thread.sleep(35_000);
        calls.clear();

        // Phase 2: one set over the same connections.
        long setStart = System.nanoTime();
        client.resource(set()).create();
        assertThat(awaitWhileRunning(setRolledOut, operator)).as("the set rolled out (%d children Ready)%s", children.count(),
            exited(operator)).isTrue();
        double setSeconds = (setRolledOutAt.get() - setStart) / 1e9;
        double childrenSeconds = (children.doneAt() - setStart) / 1e9;
        Map<String, Long> setRequests = tally(cluster);
        String loadAfter = loadAverage();

        List<Job> created = client.batch().v1().jobs().inNamespace(NS).list().getItems();
        assertThat(created).as("exactly one Job per schema").hasSize(2 * TENANTS);
        long verifyStart = System.nanoTime();
        assertThat(jobs.applyReported()).as("reported results that the real migrate does not give").isEmpty();
        double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
        assertThat(tablesIn(postgres, "indep")).isEqualTo(TENANTS);
        assertThat(tablesIn(postgres, "tenant")).isEqualTo(TENANTS);

        // The moment the heap is read, as before the operator had a process of its own: the
        // benchmark's watches and the fake Job controller closed, so the operator answers no one.
        connectionWatch.close();
        schemaWatch.close();
        setWatch.close();
        jobs.close();
        calls.clear();
        assertThat(operator.isAlive()).as("the operator still runs:\n%s", operator.log()).isTrue();
        OperatorProcess.Heap heap = operator.heapAfterFullGc();
        long peakRss = operator.procStatusBytes("VmHWM");
        long rss = operator.procStatusBytes("VmRSS");
        long benchmarkHeap = heapAfterGc();

        double ratio = setSeconds / independentSeconds;
        lines.add("fan-out benchmark: " + TENANTS + " tenant databases in one embedded PostgreSQL, a DatabaseConnection each,"
            + " namespace " + NS + "; fabric8 mock API server (store indexed by kind, namespace and name); Jobs answered at once");
        lines.add("operator: a process of its own, java " + String.join(" ", operatorOptions) + " -jar schema-operator.jar run"
            + " (" + OperatorProcess.version(JAVA25) + "; the image's entrypoint options and its AOT cache, made here by the"
            + " image's training run; " + AS_IN_THE_POD + " as the JVM sizes itself in the chart's Pod: half its 1Gi limit,"
            + " the serial collector"
            + (EXTRA.isEmpty() ? "" : "; then, overriding what comes before, bench.operatorJvm's " + EXTRA)
            + "), environment " + operatorEnv + ", HTTP_PORT a free port, WATCH_NAMESPACES unset;"
            + String.format(Locale.ROOT, " ready (/readyz) %.1f s after its start", operatorReadySeconds));
        lines.add("benchmark JVM (mock API server, fake Job controller, the benchmark's watches): " + jobWorkers + " Job workers, "
            + Runtime.getRuntime().availableProcessors() + " cores, max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MiB, Java " + Runtime.version().feature() + ", JVM options " + jvmOptions());
        lines.add("load average (1, 5, 15 min) before: " + loadBefore + "; after the set: " + loadAfter
            + " (a shared machine: other work ran beside this)");
        lines.add(String.format(Locale.ROOT, "set-up, not timed: %d databases created in %.1f s; every connection Ready first",
            TENANTS, databasesSeconds));
        lines.add(String.format(Locale.ROOT, "independent: %d DatabaseSchemas created and Ready in %.1f s", TENANTS, independentSeconds));
        lines.add("  requests: " + independentRequests);
        lines.add(String.format(Locale.ROOT, "set: every child Ready after %.1f s, the set RolledOut after %.1f s (canary 1, maxParallel %d)",
            childrenSeconds, setSeconds, TENANTS));
        lines.add("  requests: " + setRequests);
        lines.add(String.format(Locale.ROOT, "afterwards, not timed: the real migrate of all %d Jobs in %.1f s gave the reported results",
            2 * TENANTS, verifySeconds));
        lines.add(String.format(Locale.ROOT, "operator process heap after full GC (jcmd GC.run three times, then GC.heap_info; %s):"
            + " %d MiB used, %d MiB committed", heap.collector(), mib(heap.usedBytes()), mib(heap.committedBytes())));
        lines.add(String.format(Locale.ROOT, "operator process memory (/proc): peak resident set (VmHWM) %d MiB, resident now (VmRSS)"
            + " %d MiB, against the chart's 1Gi limit; heap, metaspace, code, threads and the AOT cache's mapping together",
            mib(peakRss), mib(rss)));
        lines.add(String.format(Locale.ROOT, "not the operator's, for comparison: the benchmark JVM's heap after full GC, %d MiB (the mock"
            + " API server's store of every object, %d DatabaseSchemas with their Jobs, Pods and ConfigMaps, %d connections)",
            mib(benchmarkHeap), 2 * TENANTS, TENANTS));
        lines.add(String.format(Locale.ROOT, "fan-out/independent ratio: %.2f, set of %d ready in %.1f s, heap %d MiB",
            ratio, TENANTS, setSeconds, mib(heap.usedBytes())));
      }
    }
    Path out = Path.of("target", "bench", "fanout.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    lines.forEach(System.out::println);
  }

  /** Counts, per name, when each became Ready; done once {@code expected} of them are. */
  private static final class Readiness {
    private final int expected;
    private final Predicate<DatabaseSchema> counts;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong doneAt = new AtomicLong();

    Readiness(int expected, Predicate<DatabaseSchema> counts) {
      this.expected = expected;
      this.counts = counts;
    }

    void seen(String name, boolean isReady, Object resource) {
      if (!isReady || resource instanceof DatabaseSchema s && !counts.test(s)) {
        return;
      }
      if (ready.add(name) && ready.size() == expected && doneAt.compareAndSet(0, System.nanoTime())) {
        done.countDown();
      }
    }

    boolean await(OperatorProcess operator) throws InterruptedException {
      return awaitWhileRunning(done, operator);
    }

    int count() {
      return ready.size();
    }

    long doneAt() {
      return doneAt.get();
    }
  }

  /** Waits up to LIMIT_SECONDS for {@code latch}, but no longer than the operator process runs. */
  private static boolean awaitWhileRunning(CountDownLatch latch, OperatorProcess operator) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
    while (!latch.await(1, TimeUnit.SECONDS)) {
      if (!operator.isAlive() || System.nanoTime() > deadline) {
        return latch.getCount() == 0;
      }
    }
    return true;
  }

  /** Nothing while the operator runs; once it has exited, that and the end of its log. */
  private static String exited(OperatorProcess operator) throws java.io.IOException {
    if (operator.isAlive()) {
      return "";
    }
    String log = operator.log();
    return "; the operator exited, its log ends:\n" + log.substring(Math.max(0, log.length() - 4000));
  }

  private static boolean ready(List<io.fabric8.kubernetes.api.model.Condition> conditions, Long generation, Long observed) {
    return Conditions.isTrue(conditions, Conditions.READY) && generation != null && generation.equals(observed);
  }

  private static void createDatabases(EmbeddedPostgres postgres) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      for (int t = 0; t < TENANTS; t++) {
        st.execute("CREATE DATABASE " + database(t));
      }
    }
  }

  /** Databases that hold every table of {@code schema} (the items table both phases create). */
  private static int tablesIn(EmbeddedPostgres postgres, String schema) throws Exception {
    int found = 0;
    for (int t = 0; t < TENANTS; t++) {
      try (Connection c = postgres.getDatabase("postgres", database(t)).getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema
              + "' AND table_name = 'items'")) {
        rs.next();
        found += rs.getInt(1);
      }
    }
    return found;
  }

  private static String database(int t) {
    return String.format(Locale.ROOT, "tenant_%04d", t);
  }

  private static String tenant(int t) {
    return String.format(Locale.ROOT, "tenant-%04d", t);
  }

  private static DatabaseConnection connection(int t, int port) {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.POSTGRES);
    spec.setHost("127.0.0.1");
    spec.setPort(port);
    spec.setDatabase(database(t));
    Credentials credentials = new Credentials();
    credentials.setSecretName("tenant-login");
    spec.setCredentials(credentials);
    Tls tls = new Tls();
    tls.setMode(TlsMode.DISABLE);
    spec.setTls(tls);
    // Probes every 10 minutes: both phases fit between two rounds, so neither pays for them.
    HealthCheck health = new HealthCheck();
    health.setIntervalSeconds(600);
    spec.setHealthCheck(health);
    DatabaseConnection connection = new DatabaseConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName(tenant(t)).withNamespace(NS)
        .withLabels(Map.of(TENANT_LABEL, "true")).build());
    connection.setSpec(spec);
    return connection;
  }

  private static Migrations scripts() {
    Migrations migrations = new Migrations();
    migrations.setInline(new ArrayList<>(List.of(
        new InlineMigration("V1__create_items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"),
        new InlineMigration("V2__add_created_at.sql", "ALTER TABLE items ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();"))));
    return migrations;
  }

  private static DatabaseSchema independentSchema(int t) {
    DatabaseSchemaSpec spec = new DatabaseSchemaSpec();
    spec.setConnectionRef(new ConnectionRef(tenant(t)));
    spec.setSchemas(new ArrayList<>(List.of("indep")));
    spec.setMigrations(scripts());
    DatabaseSchema schema = new DatabaseSchema();
    schema.setMetadata(new ObjectMetaBuilder().withName("indep-" + tenant(t)).withNamespace(NS).build());
    schema.setSpec(spec);
    return schema;
  }

  private static DatabaseSchemaSet set() {
    SchemaTemplate template = new SchemaTemplate();
    template.setSchemas(new ArrayList<>(List.of("tenant")));
    template.setMigrations(scripts());
    Rollout rollout = new Rollout();
    rollout.setMaxParallel(TENANTS);
    DatabaseSchemaSetSpec spec = new DatabaseSchemaSetSpec();
    spec.setSelector(new ConnectionSelector(Map.of(TENANT_LABEL, "true")));
    spec.setTemplate(template);
    spec.setRollout(rollout);
    DatabaseSchemaSet set = new DatabaseSchemaSet();
    set.setMetadata(new ObjectMetaBuilder().withName("tenants").withNamespace(NS).build());
    set.setSpec(spec);
    return set;
  }

  /** The requests since the last call, as "VERB resource[/subresource]" -> count. */
  private Map<String, Long> tally(MockCluster cluster) {
    requests.clear();
    for (ApiCall call = calls.poll(); call != null; call = calls.poll()) {
      count(call);
    }
    return new TreeMap<>(requests);
  }

  private void count(ApiCall request) {
    String path = request.path();
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    String[] parts = path.split("/");
    int i = path.startsWith("/api/") ? 3 : 4;
    if (parts.length > i + 2 && "namespaces".equals(parts[i])) {
      i += 2;
    }
    String resource = parts.length > i ? parts[i] : path;
    String sub = parts.length > i + 2 ? "/" + parts[i + 2] : "";
    String verb = request.method();
    if ("GET".equals(verb) && parts.length <= i + 1) {
      verb = query.contains("watch=true") ? "WATCH" : "LIST";
    }
    requests.merge(verb + " " + resource + sub, 1L, Long::sum);
  }

}
