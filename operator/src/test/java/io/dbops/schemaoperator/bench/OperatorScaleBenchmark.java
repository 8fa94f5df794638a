package io.dbops.schemaoperator.bench;

import static io.dbops.schemaoperator.bench.JvmFigures.heapAfterGc;
import static io.dbops.schemaoperator.bench.JvmFigures.jvmOptions;
import static io.dbops.schemaoperator.bench.JvmFigures.mib;
import static io.dbops.schemaoperator.bench.Watches.handler;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.RunningOperator;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The whole operator on the mock API server with 1,000 DatabaseSchemas across 10
 * DatabaseConnections (one namespace each), every connection a real database in one embedded
 * PostgreSQL. Prints figures and writes them to target/bench/operator-scale.txt; it asserts only
 * that the work really happened (one Job per schema, every table in its database).
 *
 * <p>Run: {@code mvn -B -pl operator -Pbench test -Dtest=OperatorScaleBenchmark}. Knobs, as system
 * properties: {@code bench.concurrency} (reconcile threads, 8), {@code bench.jobs} ({@code instant},
 * the default: Jobs answered at once and their real migrate run after the clock stops, see {@link
 * FakeJobController#startInstant}; {@code migrate}: the fake Job controller runs the real migrate
 * while the operator works), {@code bench.jobWorkers} (Jobs run at once, 4), {@code bench.store}
 * ({@code indexed}, the default, or {@code stock}: see {@link MockCluster#startIndexed}), {@code
 * bench.connections} and {@code bench.schemasPerConnection} (10 and 100).
 *
 * <p>Reconciles are counted from the mock server's request log as successful DatabaseSchema status
 * writes: a reconcile that changes nothing writes nothing and is not counted, and neither is a write
 * the API server refused (a 409 conflict wrote nothing). A schema counts as Ready while its latest
 * status says so for its current generation; the clock stops when all are Ready at once, and each is
 * checked again at the end.
 */
class OperatorScaleBenchmark {
  private static final int CONNECTIONS = Integer.getInteger("bench.connections", 10);
  private static final int SCHEMAS_PER_CONNECTION = Integer.getInteger("bench.schemasPerConnection", 100);
  private static final int SCHEMAS = CONNECTIONS * SCHEMAS_PER_CONNECTION;
  private static final long LIMIT_SECONDS = 600;

  private static final String OPERATOR = "schema-operator-bench";
  private final Set<String> withJob = ConcurrentHashMap.newKeySet();
  /** Each schema's readiness as its latest status says: Ready for its current generation, or not. */
  private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
  private final AtomicInteger readyNow = new AtomicInteger();
  private final CountDownLatch allJobs = new CountDownLatch(1);
  private final CountDownLatch allReady = new CountDownLatch(1);
  private final AtomicLong allJobsAt = new AtomicLong();
  private final AtomicLong allReadyAt = new AtomicLong();
  /** "who: verb group/resource" -> [answered 2xx, answered otherwise]. */
  private final Map<String, long[]> requests = new TreeMap<>();
  private volatile boolean counting;

  @Test
  void thousandSchemasOnTenConnections() throws Exception {
    int concurrency = Integer.getInteger("bench.concurrency", 8);
    String jobMode = System.getProperty("bench.jobs", "instant");
    int jobWorkers = Integer.getInteger("bench.jobWorkers", 4);
    boolean indexedStore = !"stock".equals(System.getProperty("bench.store", "indexed"));

    Path data = Files.createTempDirectory("pg-scale");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
            .setServerConfig("max_connections", "200").start();
        MockCluster cluster = indexedStore ? MockCluster.startIndexed() : MockCluster.start()) {
      KubernetesClient client = cluster.client();
      for (int c = 0; c < CONNECTIONS; c++) {
        String ns = namespace(c);
        cluster.secret(ns, "db-login", Map.of("username", "postgres", "password", "unused-with-trust"));
        client.resource(connection(ns, postgres.getPort(), "bench_" + c)).create();
        for (int s = 0; s < SCHEMAS_PER_CONNECTION; s++) {
          client.resource(schema(ns, s)).create();
        }
      }
      cluster.onRequest(this::count);
      counting = true;

      SharedIndexInformer<DatabaseSchema> schemaWatch = client.resources(DatabaseSchema.class).inAnyNamespace()
          .inform(handler(this::observeSchema));
      SharedIndexInformer<Job> jobWatch = client.batch().v1().jobs().inAnyNamespace().inform(handler(this::observeJob));
      FakeJobController jobs = "instant".equals(jobMode)
          ? FakeJobController.startInstant(client, jobWorkers)
          : FakeJobController.start(client, jobWorkers);

      long jvmCpuBefore = jvmCpuNanos();
      long postgresCpuBefore = postgresCpuTicks(data);
      long start = System.nanoTime();
      Thread progress = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(5000);
          } catch (InterruptedException e) {
            return;
          }
          System.out.printf(Locale.ROOT, "  %5.1f s: %d schemas with a Job, %d Ready%n", (System.nanoTime() - start) / 1e9,
              withJob.size(), readyNow.get());
        }
      }, "progress");
      progress.setDaemon(true);
      progress.start();
      RunningOperator operator = RunningOperator.start(cluster, OPERATOR,
          RunningOperator.Options.defaults().concurrency(concurrency).image("ghcr.io/dbops/schema-operator:bench").withoutHttp(),
          scrape -> {});
      boolean jobsDone = allJobs.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      boolean readyDone = allReady.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      long end = System.nanoTime();
      progress.interrupt();
      double jvmCpu = (jvmCpuNanos() - jvmCpuBefore) / 1e9;
      double postgresCpu = (postgresCpuTicks(data) - postgresCpuBefore) / 100.0;
      assertThat(jobsDone).as("every schema got a Job within %d s (%d did)", LIMIT_SECONDS, withJob.size()).isTrue();
      assertThat(readyDone).as("every schema Ready at once within %d s (%d were at the end)", LIMIT_SECONDS, readyNow.get()).isTrue();
      double jobsSeconds = (allJobsAt.get() - start) / 1e9;
      double readySeconds = (allReadyAt.get() - start) / 1e9;

      // Quiet for a moment, so requests still in flight for the last schemas are counted.
      Thread.sleep(1000);
      schemaWatch.close();
      jobWatch.close();
      counting = false;

      List<Job> created = client.batch().v1().jobs().inAnyNamespace().list().getItems();
      assertThat(created).as("exactly one Job per schema").hasSize(SCHEMAS);
      for (DatabaseSchema s : client.resources(DatabaseSchema.class).inAnyNamespace().list().getItems()) {
        int n = Integer.parseInt(s.getMetadata().getName().substring("svc-".length()));
        assertThat(s.getStatus().getCurrentVersion()).as("version of %s", key(s.getMetadata().getNamespace(), s.getMetadata().getName()))
            .isEqualTo(n % 2 == 0 ? "3" : "2");
        assertThat(Conditions.isTrue(s.getStatus().getConditions(), Conditions.DRIFTED)).as("%s drifted: %s", s.getMetadata().getName(),
            s.getStatus().getConditions()).isFalse();
        assertThat(isReady(s)).as("%s still Ready at the end: %s", s.getMetadata().getName(), s.getStatus().getConditions()).isTrue();
      }
      double applySeconds = 0;
      if ("instant".equals(jobMode)) {
        // The Jobs were answered without touching the database: run each one's real migrate now, so
        // the database holds what status says, and check that every reported result was migrate's.
        long applyStart = System.nanoTime();
        assertThat(jobs.applyReported()).as("reported results that the real migrate does not give").isEmpty();
        applySeconds = (System.nanoTime() - applyStart) / 1e9;
      }
      for (int c = 0; c < CONNECTIONS; c++) {
        assertThat(itemsTables(postgres, "bench_" + c)).as("tables in bench_%d", c).isEqualTo(SCHEMAS_PER_CONNECTION);
      }

      // Only the operator's own memory should differ between the two measurements: the fake Job
      // controller and the test's bookkeeping go first, the mock server's store stays for both.
      jobs.close();
      withJob.clear();
      ready.clear();
      long heapRunning = heapAfterGc();
      operator.close();
      long heapWithout = heapAfterGc();

      long statusWrites = answered(OPERATOR + ": update dbops.io/databaseschemas/status", true)
          + answered(OPERATOR + ": patch dbops.io/databaseschemas/status", true);
      long refusedStatusWrites = answered(OPERATOR + ": update dbops.io/databaseschemas/status", false)
          + answered(OPERATOR + ": patch dbops.io/databaseschemas/status", false);
      long byOperator = requests.entrySet().stream().filter(e -> e.getKey().startsWith(OPERATOR + ":"))
          .mapToLong(e -> e.getValue()[0] + e.getValue()[1]).sum();
      long total = requests.values().stream().mapToLong(v -> v[0] + v[1]).sum();
      double windowSeconds = (end - start) / 1e9;
      List<String> lines = new ArrayList<>();
      lines.add("operator scale benchmark: " + SCHEMAS + " DatabaseSchemas, " + CONNECTIONS + " DatabaseConnections in "
          + CONNECTIONS + " namespaces, one embedded PostgreSQL " + postgres.getPort() + "; fabric8 mock API server, "
          + (indexedStore ? "store indexed by kind, namespace and name" : "stock store (every request scans every object)"));
      lines.add("settings: reconcile concurrency " + concurrency + ", Jobs " + jobMode + " with " + jobWorkers
          + " at once, " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
          + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, Java " + Runtime.version().feature()
          + ", JVM options " + jvmOptions());
      if ("instant".equals(jobMode)) {
        lines.add(String.format(Locale.ROOT, "Jobs answered at once with the result migrate gives, the database untouched; once all "
            + "were Ready the real migrate of all %d took %.1f s (not counted) and gave the reported result for every one",
            SCHEMAS, applySeconds));
      }
      lines.add(String.format(Locale.ROOT, "every schema has its Job after %.1f s", jobsSeconds));
      lines.add(String.format(Locale.ROOT, "every schema Ready after %.1f s", readySeconds));
      lines.add(String.format(Locale.ROOT,
          "reconciles, counted as successful DatabaseSchema status writes: %d, %.0f per second (%d more status writes refused, not counted)",
          statusWrites, statusWrites / readySeconds, refusedStatusWrites));
      lines.add(String.format(Locale.ROOT, "API requests by the operator: %d, %.0f per second; by everyone (the fake Job controller"
          + " and this test's watches too): %d", byOperator, byOperator / windowSeconds, total));
      lines.add(String.format(Locale.ROOT,
          "CPU until all Ready: %.0f s in this JVM (operator, mock API server, fake Job controller), %.0f s in PostgreSQL"
              + " (postmaster and every backend, live or ended), of %.0f s available on %d cores",
          jvmCpu, postgresCpu, readySeconds * Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors()));
      requests.forEach((k, v) -> lines.add("  " + k + ": " + v[0] + (v[1] == 0 ? "" : " (and " + v[1] + " answered with an error)")));
      lines.add(String.format(Locale.ROOT,
          "heap after full GC: %d MiB with the operator running, which counts the mock API server and its store of every "
              + "object (the same JVM); %d MiB once the operator stopped, so about %d MiB are the operator's own",
          mib(heapRunning), mib(heapWithout), mib(heapRunning - heapWithout)));
      lines.add(String.format(Locale.ROOT, "%d schemas ready in %.1f s, heap %d MiB", SCHEMAS, readySeconds, mib(heapRunning)));

      Path out = Path.of("target", "bench", "operator-scale.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      lines.forEach(System.out::println);
    }
  }

  private void observeSchema(DatabaseSchema schema) {
    boolean now = isReady(schema);
    Boolean before = ready.put(key(schema.getMetadata().getNamespace(), schema.getMetadata().getName()), now);
    if (now == Boolean.TRUE.equals(before)) {
      return;
    }
    if (readyNow.addAndGet(now ? 1 : -1) == SCHEMAS && now && allReady.getCount() > 0) {
      allReadyAt.set(System.nanoTime());
      allReady.countDown();
    }
  }

  private static boolean isReady(DatabaseSchema schema) {
    return schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)
        && schema.getMetadata().getGeneration().equals(schema.getStatus().getObservedGeneration());
  }

  private void observeJob(Job job) {
    String schema = job.getMetadata().getLabels().get(Labels.SCHEMA);
    if (schema != null && withJob.add(key(job.getMetadata().getNamespace(), schema)) && withJob.size() == SCHEMAS) {
      allJobsAt.set(System.nanoTime());
      allJobs.countDown();
    }
  }

  /** "who: verb group/resource[/subresource]", answered 2xx or not; from the operator's start on. */
  private void count(ApiCall call) {
    if (!counting) {
      return;
    }
    String who = OPERATOR.equals(call.userAgent()) ? OPERATOR : "others";
    String what = call.resourceRequest().map(ApiCall.ResourceRequest::describe).orElse(call.method() + " " + call.path());
    synchronized (requests) {
      requests.computeIfAbsent(who + ": " + what, k -> new long[2])[call.succeeded() || what.startsWith("watch ") ? 0 : 1]++;
    }
  }

  private long answered(String key, boolean successfully) {
    synchronized (requests) {
      long[] counts = requests.get(key);
      return counts == null ? 0 : counts[successfully ? 0 : 1];
    }
  }

  private static DatabaseConnection connection(String ns, int port, String database) {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.POSTGRES);
    spec.setHost("127.0.0.1");
    spec.setPort(port);
    spec.setDatabase(database);
    spec.setCreateDatabase(true);
    Credentials credentials = new Credentials();
    credentials.setSecretName("db-login");
    spec.setCredentials(credentials);
    Tls tls = new Tls();
    tls.setMode(TlsMode.DISABLE);
    spec.setTls(tls);
    DatabaseConnection connection = new DatabaseConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace(ns).build());
    connection.setSpec(spec);
    return connection;
  }

  /** Two or three tiny scripts in a schema of its own, the way many services share one database. */
  private static DatabaseSchema schema(String ns, int n) {
    String name = String.format(Locale.ROOT, "svc-%03d", n);
    DatabaseSchemaSpec spec = new DatabaseSchemaSpec();
    ConnectionRef ref = new ConnectionRef();
    ref.setName("db");
    spec.setConnectionRef(ref);
    spec.setSchemas(List.of(name.replace('-', '_')));
    Migrations migrations = new Migrations();
    List<InlineMigration> scripts = new ArrayList<>();
    scripts.add(new InlineMigration("V1__create_items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"));
    scripts.add(new InlineMigration("V2__add_created_at.sql", "ALTER TABLE items ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();"));
    if (n % 2 == 0) {
      scripts.add(new InlineMigration("V3__index_items_name.sql", "CREATE INDEX items_name_idx ON items (name);"));
    }
    migrations.setInline(scripts);
    spec.setMigrations(migrations);
    DatabaseSchema schema = new DatabaseSchema();
    schema.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    schema.setSpec(spec);
    return schema;
  }

  private static int itemsTables(EmbeddedPostgres postgres, String database) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * CPU of the postmaster, its finished backends (reaped, so in its cutime/cstime) and its live
   * backends (idle connections a pool keeps open), in clock ticks (1/100 s on Linux). -1 when
   * unreadable. A backend that ends between two readings moves from the live sum to the reaped one
   * with the CPU it had, so the difference of two readings is what the database did in between.
   */
  private static long postgresCpuTicks(Path dataDirectory) {
    try {
      String postmaster = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim();
      String[] own = statFields(Path.of("/proc", postmaster, "stat"));
      // utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat, 12-15 after the name.
      long sum = 0;
      for (int i = 11; i <= 14; i++) {
        sum += Long.parseLong(own[i]);
      }
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
          try {
            String[] fields = statFields(proc.resolve("stat"));
            // ppid is field 4, 2 after the name; a backend's own utime and stime only (its children are none).
            if (postmaster.equals(fields[1])) {
              sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
          } catch (java.io.IOException | RuntimeException gone) {
            // The process ended while being read; its CPU shows in the postmaster's reaped sum.
          }
        }
      }
      return sum;
    } catch (Exception e) {
      return -1;
    }
  }

  private static String[] statFields(Path stat) throws java.io.IOException {
    String text = Files.readString(stat);
    return text.substring(text.lastIndexOf(')') + 2).split(" ");
  }

  private static String namespace(int c) {
    return "bench-" + c;
  }

  private static String key(String ns, String name) {
    return ns + "/" + name;
  }
}
