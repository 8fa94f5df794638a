package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.dashboard.GrafanaDashboard;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.RunningOperator;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Prometheus scrapes from /metrics after the operator has worked through a success, a failing
 * script, a plan waiting for approval, a wrong password, a managed instance still starting and a
 * status the API server refuses to store (RBAC): every dbops_* value agrees with the status the API
 * server holds, every series says what it means, nothing secret is in it, and every metric the
 * Grafana dashboard queries is there.
 */
class MetricsScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "Metr1cs-Secret-Pa55";
  private static final String WRONG_PASSWORD = "Wr0ng-Metr1cs-Pa55";
  private static final String NS = "metrics";
  private static final Set<String> ALLOWED_LABELS = Set.of("namespace", "name", "engine", "result", "le");

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.shared();
  private static EmbeddedPostgres postgres;
  private static RunningOperator operator;
  private static KubernetesClient client;
  private static Namespace k8s;

  @BeforeAll
  static void runTheScenarios() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.start());
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE metrics_app LOGIN CREATEDB PASSWORD '" + PASSWORD + "'");
    }
    client = world.client();
    k8s = new Namespace(client, NS);
    operator = world.startOperator();
    MockCluster cluster = world.cluster();

    cluster.secret(NS, "good-login", Map.of("username", "metrics_app", "password", PASSWORD));
    cluster.secret(NS, "bad-login", Map.of("username", "metrics_app", "password", WRONG_PASSWORD));
    k8s.create(connection("good-db", "good-login"));
    k8s.create(connection("bad-db", "bad-login"));
    k8s.create(schema("healthy", "healthy", "Automatic", "V1__create_t.sql", "CREATE TABLE t (id INT);"));
    k8s.create(schema("broken", "broken", "Automatic", "V1__broken.sql", "CREATE TABLE oops (id NO_SUCH_TYPE);"));
    k8s.create(schema("waiting", "waiting", "Manual", "V1__create_w.sql", "CREATE TABLE w (id INT);"));
    k8s.create(schema("doomed", "doomed", "Automatic", "V1__create_d.sql", "CREATE TABLE d (id INT);"));
    // No StatefulSet controller runs here: the instance stays at 0 ready replicas, as while its Pod starts.
    k8s.create(MANAGED_CONNECTION);
    // As after an upgrade whose RBAC lacks the status subresource: every reconcile of it fails.
    cluster.forbidStatusWrites(DatabaseSchema.class, NS, "unwritable");
    k8s.create(schema("unwritable", "unwritable", "Automatic", "V1__create_u.sql", "CREATE TABLE u (id INT);"));

    Eventually.await("healthy Ready", CONVERGE, () -> isTrue(k8s.schema("healthy"), Conditions.READY));
    Eventually.await("doomed Ready", CONVERGE, () -> isTrue(k8s.schema("doomed"), Conditions.READY));
    Eventually.await("broken Stalled", CONVERGE, () -> isTrue(k8s.schema("broken"), Conditions.STALLED));
    Eventually.await("waiting for approval", CONVERGE, () -> isTrue(k8s.schema("waiting"), Conditions.APPROVAL_PENDING));
    Eventually.await("bad-db refused", CONVERGE, () -> "AuthenticationFailed".equals(readyReason(k8s.connection("bad-db"))));
    Eventually.await("managed-db starting", CONVERGE, () -> "InstanceStarting".equals(readyReason(k8s.connection("managed-db"))));
  }

  private static String readyReason(DatabaseConnection connection) {
    return connection == null || connection.getStatus() == null ? ""
        : Conditions.find(connection.getStatus().getConditions(), Conditions.READY).map(c -> c.getReason()).orElse("");
  }

  @Test
  void eachSchemaSeriesAgreesWithItsStatus() throws Exception {
    Eventually.await("metrics caught up with status", CONVERGE, () -> {
      Map<String, Double> m = scrape().values();
      return value(m, "dbops_schema_ready", "healthy") == 1.0 && value(m, "dbops_schema_stalled", "broken") == 1.0
          && value(m, "dbops_schema_approval_pending", "waiting") == 1.0;
    });
    Map<String, Double> m = scrape().values();
    for (String name : List.of("healthy", "broken", "waiting")) {
      DatabaseSchema s = k8s.schema(name);
      assertThat(value(m, "dbops_schema_ready", name)).as("ready of %s", name).isEqualTo(flag(s, Conditions.READY));
      assertThat(value(m, "dbops_schema_stalled", name)).as("stalled of %s", name).isEqualTo(flag(s, Conditions.STALLED));
      assertThat(value(m, "dbops_schema_drifted", name)).as("drifted of %s", name).isEqualTo(flag(s, Conditions.DRIFTED));
      assertThat(value(m, "dbops_schema_approval_pending", name)).as("approval of %s", name)
          .isEqualTo(flag(s, Conditions.APPROVAL_PENDING));
      assertThat(value(m, "dbops_schema_pending_migrations", name)).as("pending of %s", name)
          .isEqualTo(s.getStatus().getPending() == null ? 0.0 : (double) s.getStatus().getPending().size());
    }
    assertThat(value(m, "dbops_schema_pending_migrations", "waiting")).isEqualTo(1.0);

    DatabaseSchema healthy = k8s.schema("healthy");
    assertThat(value(m, "dbops_schema_last_success_timestamp_seconds", "healthy"))
        .isEqualTo(Instant.parse(healthy.getStatus().getLastRun().getCompletionTime()).getEpochSecond(),
            org.assertj.core.data.Offset.offset(1.0));
    // Flyway's own rows (the schema it created) are in the history, but no script ever succeeded.
    assertThat(k8s.schema("broken").getStatus().getHistory()).isNotEmpty();
    assertThat(value(m, "dbops_schema_last_success_timestamp_seconds", "broken")).isZero();
    assertThat(m).containsKey("dbops_schema_info{current_version=\"1\",desired_hash=\"" + healthy.getStatus().getDesiredHash()
        + "\",engine=\"postgres\",name=\"healthy\",namespace=\"metrics\"}");
  }

  @Test
  void runsAreCountedByResultWithTheirDuration() throws Exception {
    Eventually.await("runs counted", CONVERGE, () -> scrape().values().getOrDefault(
        "dbops_migration_runs_total{engine=\"postgres\",name=\"broken\",namespace=\"metrics\",result=\"failed\"}", 0.0) == 1.0);
    Map<String, Double> m = scrape().values();
    assertThat(m.get("dbops_migration_runs_total{engine=\"postgres\",name=\"healthy\",namespace=\"metrics\",result=\"succeeded\"}"))
        .isEqualTo(1.0);
    assertThat(m.get("dbops_migration_duration_seconds_count{engine=\"postgres\",name=\"healthy\",namespace=\"metrics\"}"))
        .isEqualTo(1.0);
    assertThat(m.keySet()).filteredOn(k -> k.startsWith("dbops_migration_runs_total") && k.contains("name=\"waiting\""))
        .as("nothing ran for the plan waiting for approval").isEmpty();
  }

  @Test
  void connectionsReportWhetherTheyAreUpAndHowFastTheyAnswered() throws Exception {
    Map<String, Double> m = scrape().values();
    assertThat(m.get("dbops_connection_up{engine=\"postgres\",name=\"good-db\",namespace=\"metrics\"}")).isEqualTo(1.0);
    assertThat(m.get("dbops_connection_up{engine=\"postgres\",name=\"bad-db\",namespace=\"metrics\"}")).isEqualTo(0.0);
    assertThat(m.get("dbops_connection_probe_latency_seconds{engine=\"postgres\",name=\"good-db\",namespace=\"metrics\"}"))
        .isEqualTo(k8s.connection("good-db").getStatus().getLatencyMillis() / 1000.0);
    assertThat(m.keySet()).filteredOn(k -> k.startsWith("dbops_instance_ready_replicas")).as("only managed instances have replicas")
        .containsExactly("dbops_instance_ready_replicas{engine=\"postgres\",name=\"managed-db\",namespace=\"metrics\"}");
    DatabaseConnection managed = k8s.connection("managed-db");
    assertThat(m.get("dbops_instance_ready_replicas{engine=\"postgres\",name=\"managed-db\",namespace=\"metrics\"}"))
        .isEqualTo(managed.getStatus().getInstance() == null || managed.getStatus().getInstance().getReadyReplicas() == null
            ? 0.0 : (double) managed.getStatus().getInstance().getReadyReplicas())
        .isZero();
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsServed() {
    Map<String, List<String>> queried = GrafanaDashboard.read().metricNames();
    assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThan(20);
    // The failure meters appear with the first failed reconcile of "unwritable".
    Eventually.await("a failed reconcile counted", CONVERGE, () -> sampleNames(scrape()).contains("operator_sdk_reconciliations_failed_total"));

    // GC pause series appear with the first collection after the meter is bound; a short test JVM may not have had one.
    System.gc();
    Eventually.await("a GC pause counted", CONVERGE, () -> sampleNames(scrape()).contains("jvm_gc_pause_seconds_sum"));
    Set<String> served = sampleNames(scrape());

    queried.forEach((metric, where) -> assertThat(served).as("%s, queried by %s, on /metrics", metric, where).contains(metric));
  }

  @Test
  void everySeriesIsExplainedLabelledOnlyByBoundedValuesAndHoldsNoSecret() throws Exception {
    Scrape scrape = scrape();
    // Every scrape goes through the world's leak scan too, in each encoded form.
    assertThat(scrape.text()).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
    Set<String> names = new java.util.TreeSet<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) \\S+$").matcher(scrape.text());
    while (type.find()) {
      names.add(type.group(1));
    }
    assertThat(names).contains("dbops_schema_ready", "dbops_schema_stalled", "dbops_schema_drifted",
        "dbops_schema_approval_pending", "dbops_schema_pending_migrations", "dbops_schema_last_success_timestamp_seconds",
        "dbops_schema_info", "dbops_migration_runs_total", "dbops_migration_duration_seconds", "dbops_connection_up",
        "dbops_connection_probe_latency_seconds");
    assertThat(names).anyMatch(n -> n.startsWith("operator_sdk_")).anyMatch(n -> n.startsWith("jvm_"));
    for (String name : names) {
      assertThat(scrape.text()).as("HELP for %s", name).containsPattern("(?m)^# HELP " + Pattern.quote(name) + " \\S");
    }
    for (String series : scrape.values().keySet()) {
      if (series.startsWith("dbops_") && !series.startsWith("dbops_schema_info")) {
        for (String label : labels(series)) {
          assertThat(ALLOWED_LABELS).as("label %s of %s", label, series).contains(label);
        }
      }
    }
  }

  @Test
  void deletingASchemaRemovesItsSeries() throws Exception {
    Eventually.await("doomed has series", CONVERGE, () -> scrape().values().keySet().stream().anyMatch(k -> k.contains("name=\"doomed\"")));
    client.resources(DatabaseSchema.class).inNamespace(NS).withName("doomed").delete();
    Eventually.await("doomed's series gone", CONVERGE,
        () -> scrape().values().keySet().stream().noneMatch(k -> k.contains("name=\"doomed\"")));
    assertThat(scrape().values().keySet()).anyMatch(k -> k.contains("name=\"healthy\""));
  }

  record Scrape(String text, Map<String, Double> values) {}

  /** The names of the samples served (a histogram's _bucket, _sum and _count each), as PromQL selects them. */
  private static Set<String> sampleNames(Scrape scrape) {
    Set<String> names = new java.util.TreeSet<>();
    for (String series : scrape.values().keySet()) {
      int brace = series.indexOf('{');
      names.add(brace < 0 ? series : series.substring(0, brace));
    }
    return names;
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)");

  /** The exposition as Prometheus reads it (status 200, text/plain): series (name and sorted labels) to value. */
  private static Scrape scrape() {
    String text = operator.scrape();
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher matcher = SAMPLE.matcher(line);
      if (!line.startsWith("#") && matcher.find()) {
        values.put(sortedLabels(matcher.group(1)), Double.parseDouble(matcher.group(2)));
      }
    }
    return new Scrape(text, values);
  }

  private static String sortedLabels(String series) {
    int brace = series.indexOf('{');
    if (brace < 0) {
      return series;
    }
    List<String> pairs = new ArrayList<>(List.of(series.substring(brace + 1, series.length() - 1).split(",(?=[a-zA-Z_]+=\")")));
    pairs.removeIf(String::isEmpty);
    pairs.sort(null);
    return series.substring(0, brace) + "{" + String.join(",", pairs) + "}";
  }

  private static List<String> labels(String series) {
    int brace = series.indexOf('{');
    List<String> names = new ArrayList<>();
    if (brace >= 0) {
      for (String pair : series.substring(brace + 1, series.length() - 1).split(",(?=[a-zA-Z_]+=\")")) {
        names.add(pair.substring(0, pair.indexOf('=')));
      }
    }
    return names;
  }

  private static double value(Map<String, Double> values, String metric, String schema) {
    Double v = values.get(metric + "{engine=\"postgres\",name=\"" + schema + "\",namespace=\"" + NS + "\"}");
    if (v == null) {
      throw new AssertionError("no series " + metric + " for " + schema);
    }
    return v;
  }

  private static double flag(DatabaseSchema schema, String condition) {
    return isTrue(schema, condition) ? 1.0 : 0.0;
  }

  private static boolean isTrue(DatabaseSchema schema, String condition) {
    return schema != null && schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), condition);
  }

  private static String connection(String name, String secret) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: %s}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: metrics_app
          createDatabase: true
          credentials: {secretName: %s}
          tls: {mode: disable}
          healthCheck: {intervalSeconds: 5}
        """.formatted(name, postgres.getPort(), secret);
  }

  private static final String MANAGED_CONNECTION = """
      apiVersion: dbops.io/v1alpha1
      kind: DatabaseConnection
      metadata: {name: managed-db}
      spec:
        engine: postgres
        database: app
        instance:
          image: postgres:16
          storage: {size: 1Gi}
      """;

  private static String schema(String name, String flywaySchema, String approval, String script, String sql) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: %s}
        spec:
          connectionRef: {name: good-db}
          schemas: [%s]
          approval: %s
          migrations:
            inline:
              - {name: %s, sql: "%s"}
        """.formatted(name, flywaySchema, approval, script, sql);
  }
}
