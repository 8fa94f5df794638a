package io.dbops.schemaoperator.bench;

import static io.dbops.schemaoperator.bench.JvmFigures.jvmOptions;
import static io.dbops.schemaoperator.bench.JvmFigures.loadAverage;
import static io.dbops.schemaoperator.bench.JvmFigures.mib;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.DriftCheck;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a running operator costs when nothing changes: 1,000 Ready DatabaseSchemas over 10
 * DatabaseConnections (one namespace each), every connection a database of one embedded
 * PostgreSQL, drift checks every 60 s, connections probed every 60 s (the default). The operator
 * runs as its image runs it, the executable jar in a JVM of its own (the bench profile builds the
 * jar; the same JVM options as this one), against the mock API server in this JVM; so the CPU time
 * and heap measured are the operator's alone. After every schema is Ready and one drift interval
 * more (a restart reads every schema at once; from the next interval on the checks are spread), it
 * watches 3 minutes at rest: the operator's CPU time (from /proc, not wall clock: the build machine is shared), new
 * database sessions and transactions (pg_stat_database), and drift checks, counted by the
 * database as reads of the history tables (pg_stat_user_tables); then the operator's heap after a
 * full GC (jcmd). Figures go to target/bench/steady.txt, the key figure on its last line.
 *
 * <p>The databases are migrated beforehand by Flyway through the engine (one database, then copied
 * as PostgreSQL templates): the operator finds every schema applied and creates no Job. It asserts
 * only that the work happened: every schema Ready and not Drifted, no Job, and at least one check
 * per schema in the window.
 *
 * <p>Run: {@code mvn -B -pl operator -Pbench test -Dtest=SteadyStateBenchmark}. Knobs, as system
 * properties: {@code bench.connections} (10), {@code bench.schemasPerConnection} (100), {@code
 * bench.driftSeconds} (60), {@code bench.restSeconds} (180).
 */
class SteadyStateBenchmark {
  private static final int CONNECTIONS = Integer.getInteger("bench.connections", 10);
  private static final int SCHEMAS_PER_CONNECTION = Integer.getInteger("bench.schemasPerConnection", 100);
  private static final int SCHEMAS = CONNECTIONS * SCHEMAS_PER_CONNECTION;
  private static final int DRIFT_SECONDS = Integer.getInteger("bench.driftSeconds", 60);
  private static final int REST_SECONDS = Integer.getInteger("bench.restSeconds", 180);
  private static final long READY_LIMIT_SECONDS = 900;
  /** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
  private static final int TICKS_PER_SECOND = 100;

  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Set<String> drifted = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> requests = new TreeMap<>();
  private volatile boolean counting;

  @Test
  void thousandReadySchemasAtRest() throws Exception {
    Path data = Files.createTempDirectory("pg-steady");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300").start();
        MockCluster cluster = MockCluster.startIndexed()) {
      long migrateStart = System.nanoTime();
      migrateDatabases(postgres);
      double migrateSeconds = (System.nanoTime() - migrateStart) / 1e9;

      KubernetesClient client = cluster.client();
      for (int c = 0; c < CONNECTIONS; c++) {
        String ns = namespace(c);
        cluster.secret(ns, "db-login", Map.of("username", "postgres", "password", "unused-with-trust"));
        client.resource(connection(ns, postgres.getPort(), database(c))).create();
        for (int s = 0; s < SCHEMAS_PER_CONNECTION; s++) {
          client.resource(schema(ns, s)).create();
        }
      }
      SharedIndexInformer<DatabaseSchema> watch = client.resources(DatabaseSchema.class).inAnyNamespace().inform(handler());
      // Requests are counted only in the window at rest.
      cluster.onRequest(call -> {
        if (counting) {
          count(call);
        }
      });

      Path log = Files.createTempFile("steady-operator", ".log");
      Process operator = startOperator(client.getMasterUrl().toString(), log);
      try {
        long start = System.nanoTime();
        while (ready.size() < SCHEMAS && operator.isAlive() && (System.nanoTime() - start) / 1e9 < READY_LIMIT_SECONDS) {
          Thread.sleep(500);
        }
        double readySeconds = (System.nanoTime() - start) / 1e9;
        assertThat(operator.isAlive()).as("the operator runs; its log:\n%s", tail(log)).isTrue();
        assertThat(ready).as("every schema Ready within %d s", READY_LIMIT_SECONDS).hasSize(SCHEMAS);
        // The restart read every schema at once; each schema's next check comes at its own offset, at
        // least half an interval later. One interval on, every schema checks once an interval.
        long settle = System.nanoTime();
        while ((System.nanoTime() - settle) / 1e9 < DRIFT_SECONDS) {
          Thread.sleep(1000);
        }

        try (Monitor monitor = new Monitor(postgres)) {
          String loadBefore = loadAverage();
          Snapshot before = monitor.snapshot(operator.pid());
          long windowStart = System.nanoTime();
          counting = true;
          while ((System.nanoTime() - windowStart) / 1e9 < REST_SECONDS) {
            Thread.sleep(1000);
          }
          Snapshot after = monitor.snapshot(operator.pid());
          double restSeconds = (System.nanoTime() - windowStart) / 1e9;
          String loadAfter = loadAverage();
          counting = false;

          assertThat(ready).as("still Ready after the window").hasSize(SCHEMAS);
          assertThat(drifted).as("Drifted schemas").isEmpty();
          assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems()).as("Jobs: every schema was applied").isEmpty();
          long checks = after.historyReads() - before.historyReads();
          assertThat(checks).as("drift checks in the window (history-table reads): at least one per schema").isGreaterThanOrEqualTo(SCHEMAS);

          long heap = heapAfterFullGc(operator.pid());
          long rss = residentKib(operator.pid());
          double cpuMillis = (after.operatorCpuTicks() - before.operatorCpuTicks()) * 1000.0 / TICKS_PER_SECOND;
          long sessions = after.sessions() - before.sessions();
          // The monitor's own reads of the table statistics: one transaction per database, twice.
          long transactions = after.transactions() - before.transactions() - 2L * CONNECTIONS;
          long apiRequests = requests.values().stream().mapToLong(Long::longValue).sum();

          List<String> lines = new ArrayList<>();
          lines.add("steady-state benchmark: " + SCHEMAS + " Ready DatabaseSchemas on " + CONNECTIONS + " DatabaseConnections ("
              + CONNECTIONS + " namespaces), each a database of one embedded PostgreSQL " + postgres.getPort()
              + "; drift checks every " + DRIFT_SECONDS + " s, connection probes every 60 s; fabric8 mock API server (indexed store)");
          lines.add("the operator: the executable jar in its own JVM, options " + jvmOptions() + ", Java "
              + Runtime.version().feature() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
          lines.add(String.format(Locale.ROOT, "setup: databases migrated by the engine in %.0f s; every schema Ready %.1f s after"
              + " the operator started, no Job created", migrateSeconds, readySeconds));
          lines.add(String.format(Locale.ROOT, "at rest for %.0f s, from one drift interval after every schema was Ready; load average before %s, after %s (the machine is shared:"
              + " CPU is the operator process's own CPU time from /proc, not wall clock)", restSeconds, loadBefore, loadAfter));
          lines.add(String.format(Locale.ROOT, "drift checks (history-table reads counted by PostgreSQL): %d; %d expected from"
              + " the schedule (%d schemas x %.0f s / %d s)", checks, Math.round(SCHEMAS * restSeconds / DRIFT_SECONDS), SCHEMAS,
              restSeconds, DRIFT_SECONDS));
          lines.add(String.format(Locale.ROOT, "operator CPU: %.2f s in all, %.1f ms a second", cpuMillis / 1000,
              cpuMillis / restSeconds));
          lines.add(String.format(Locale.ROOT, "database: %d new sessions, %d transactions (probes included)", sessions, transactions));
          lines.add("API requests at rest: " + apiRequests + (requests.isEmpty() ? "" : " " + requests));
          lines.add(String.format(Locale.ROOT, "operator memory: heap %d MiB after a full GC, resident %d MiB", mib(heap),
              rss / 1024));
          lines.add(String.format(Locale.ROOT, "at rest: %.2f ms CPU, %.3f sessions, %.2f transactions per drift check, heap %d MiB",
              cpuMillis / checks, (double) sessions / checks, (double) transactions / checks, mib(heap)));

          Path out = Path.of("target", "bench", "steady.txt");
          Files.createDirectories(out.getParent());
          Files.writeString(out, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
          lines.forEach(System.out::println);
        }
      } finally {
        watch.close();
        operator.destroy();
        if (!operator.waitFor(30, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      }
    }
  }

  /**
   * Migrates the first database with the engine, schema by schema as the Jobs would, then copies it
   * for the others (PostgreSQL's CREATE DATABASE ... TEMPLATE): the same history rows, written by Flyway.
   */
  private static void migrateDatabases(EmbeddedPostgres postgres) throws Exception {
    sql(postgres, "postgres", "CREATE DATABASE " + database(0));
    JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();
    ConnectionSettings first = new ConnectionSettings(Engine.POSTGRES, "127.0.0.1", postgres.getPort(), database(0), TlsMode.DISABLE,
        null, Map.of(), false);
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      List<Future<MigrationResult>> runs = new ArrayList<>();
      for (int s = 0; s < SCHEMAS_PER_CONNECTION; s++) {
        DatabaseSchemaSpec spec = schema(namespace(0), s).getSpec();
        runs.add(workers.submit(() -> {
          try (MigrationScripts scripts = MigrationScripts.fromNamedSources(List.of(inline(spec)))) {
            return new MigrationEngine(first, Login.of("postgres", "unused-with-trust"), MigrationSettings.from(spec), scripts, targets,
                Progress.silent()).migrate();
          }
        }));
      }
      for (Future<MigrationResult> run : runs) {
        MigrationResult result = run.get();
        assertThat(result.success()).as("migrate: %s", result.failure()).isTrue();
      }
    } finally {
      workers.shutdown();
    }
    for (int c = 1; c < CONNECTIONS; c++) {
      copyTemplate(postgres, database(c));
    }
  }

  /** The template's last Flyway sessions may still be closing: their backends must be gone first. */
  private static void copyTemplate(EmbeddedPostgres postgres, String database) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        sql(postgres, "postgres", "CREATE DATABASE " + database + " TEMPLATE " + database(0));
        return;
      } catch (SQLException e) {
        if (attempt >= 50 || !"55006".equals(e.getSQLState())) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static void sql(EmbeddedPostgres postgres, String database, String statement) throws SQLException {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static Process startOperator(String masterUrl, Path log) throws IOException {
    Path jar = Path.of("target", "schema-operator.jar").toAbsolutePath();
    assertThat(jar).as("the executable jar (the bench profile builds it)").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions());
    command.add("-jar");
    command.add(jar.toString());
    command.add("run");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBERNETES_MASTER", masterUrl);
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("OPERATOR_IMAGE", "ghcr.io/dbops/schema-operator:bench");
    env.put("LEADER_ELECTION", "false");
    env.put("HTTP_PORT", "0");
    return builder.start();
  }

  /** What the window is measured by: the operator process's CPU, and the bench databases' counters. */
  private record Snapshot(long operatorCpuTicks, long sessions, long transactions, long historyReads) {}

  /**
   * Connections opened before the window and kept through it, so the measuring adds no session:
   * one to the postgres database for pg_stat_database, one to each bench database for its tables.
   */
  private static final class Monitor implements AutoCloseable {
    private final Connection overview;
    private final List<Connection> perDatabase = new ArrayList<>();

    Monitor(EmbeddedPostgres postgres) throws SQLException {
      overview = postgres.getDatabase("postgres", "postgres").getConnection();
      for (int c = 0; c < CONNECTIONS; c++) {
        perDatabase.add(postgres.getDatabase("postgres", database(c)).getConnection());
      }
    }

    Snapshot snapshot(long operatorPid) throws Exception {
      long cpu = cpuTicks(operatorPid);
      long reads = 0;
      for (Connection c : perDatabase) {
        reads += single(c, "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
            + " WHERE relname = 'flyway_schema_history'");
      }
      long sessions = single(overview, "SELECT coalesce(sum(sessions), 0) FROM pg_stat_database WHERE datname LIKE 'bench\\_%'");
      long transactions = single(overview,
          "SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database WHERE datname LIKE 'bench\\_%'");
      return new Snapshot(cpu, sessions, transactions, reads);
    }

    private static long single(Connection c, String query) throws SQLException {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public void close() throws SQLException {
      overview.close();
      for (Connection c : perDatabase) {
        c.close();
      }
    }
  }

  /** utime + stime of a process, fields 14 and 15 of /proc/<pid>/stat. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long residentKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Heap in use after a full GC of the operator's JVM, as jcmd reports it. */
  private static long heapAfterFullGc(long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(jcmd, Long.toString(pid), "GC.run");
    String info = run(jcmd, Long.toString(pid), "GC.heap_info");
    Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
    assertThat(used.find()).as("heap use in:\n%s", info).isTrue();
    return Long.parseLong(used.group(1)) * 1024;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private ResourceEventHandler<DatabaseSchema> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(DatabaseSchema schema) {
        observe(schema);
      }

      @Override
      public void onUpdate(DatabaseSchema before, DatabaseSchema schema) {
        observe(schema);
      }

      @Override
      public void onDelete(DatabaseSchema schema, boolean deletedFinalStateUnknown) {}
    };
  }

  private void observe(DatabaseSchema schema) {
    String key = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    boolean isReady = schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)
        && schema.getMetadata().getGeneration().equals(schema.getStatus().getObservedGeneration());
    if (isReady) {
      ready.add(key);
    } else {
      ready.remove(key);
    }
    if (schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.DRIFTED)) {
      drifted.add(key);
    }
  }

  /** "VERB resource[/subresource]" of a request the operator made. */
  private void count(ApiCall request) {
    String path = request.path();
    int q = path.indexOf('?');
    String[] parts = (q < 0 ? path : path.substring(0, q)).split("/");
    String resource = parts.length > 0 ? parts[parts.length - 1] : path;
    for (int i = 0; i < parts.length - 1; i++) {
      if ("namespaces".equals(parts[i]) && parts.length > i + 2) {
        resource = parts[i + 2] + (parts.length > i + 4 ? "/" + parts[i + 4] : "");
      }
    }
    synchronized (requests) {
      requests.merge(request.method() + " " + resource, 1L, Long::sum);
    }
  }

  private static DatabaseConnection connection(String ns, int port, String database) {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.POSTGRES);
    spec.setHost("127.0.0.1");
    spec.setPort(port);
    spec.setDatabase(database);
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
    DriftCheck drift = new DriftCheck();
    drift.setIntervalSeconds(DRIFT_SECONDS);
    spec.setDriftCheck(drift);
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

  private static Map<String, String> inline(DatabaseSchemaSpec spec) {
    Map<String, String> scripts = new LinkedHashMap<>();
    spec.getMigrations().getInline().forEach(m -> scripts.put(m.getName(), m.getSql()));
    return scripts;
  }

  private static String namespace(int c) {
    return "steady-" + c;
  }

  private static String database(int c) {
    return "bench_" + c;
  }
}
