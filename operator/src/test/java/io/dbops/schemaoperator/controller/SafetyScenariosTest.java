package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DestructivePolicy;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.testing.DatabaseSnapshot;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 end to end: the operator on the mock API server, the fake Job controller running the
 * migration Jobs' real `migrate` and the backup Jobs' real script (Debian's pg_dump) against a
 * real PostgreSQL, the claim a directory. The restore follows README's runbook with pg_restore.
 */
class SafetyScenariosTest {
  /** Every status written here (BackupRunning, BackupFailed, DestructiveChange...) is checked as Flux and Argo CD read it. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("safety").withStatusTrail();
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "Saf3ty-Secret-Pa55";

  private static EmbeddedPostgres postgres;
  private KubernetesClient client;
  private Namespace k8s;
  private String ns;
  private String database;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
    try (Connection c = superuser("postgres")) {
      requireDumpToolFor(c.getMetaData().getDatabaseMajorVersion());
    }
  }

  @BeforeEach
  void connectTheScenariosDatabase() {
    ns = world.namespace();
    database = "app_" + ns;
    client = world.client();
    k8s = world.k8s();
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}
        """.formatted(postgres.getPort(), database));
    Eventually.await("connection Ready", CONVERGE,
        () -> Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.READY));
  }

  @Test
  void theDumpTakenBeforeARunRestoresTheDatabaseAsItWasBeforeThatRun() throws Exception {
    applySchema("""
          backup: {beforeMigrate: true, claimName: db-backups, keep: 2}
        """, script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL);"));
    awaitReadyAt("1");
    LastBackup first = k8s.schema("app").getStatus().getLastBackup();
    assertThat(first.getResult()).isEqualTo(RunResult.Succeeded);
    assertThat(first.getVersion()).as("nothing was applied when the first dump was taken").isEqualTo("none");
    assertThat(jobsOf("backup")).hasSize(1).allSatisfy(j -> assertThat(j.getMetadata().getLabels()).containsKey("dbops.io/target"));
    sql(database, "INSERT INTO users VALUES (1, 'ada'), (2, 'grace')");
    DatabaseSnapshot beforeRun = snapshot(database);

    addScripts(script("V2__drop_name.sql", "ALTER TABLE users DROP COLUMN name;"),
        script("V3__purge.sql", "DELETE FROM users WHERE id = 2; CREATE TABLE audit (id INT);"));
    awaitReadyAt("3");

    LastBackup second = k8s.schema("app").getStatus().getLastBackup();
    assertThat(second.getResult()).isEqualTo(RunResult.Succeeded);
    assertThat(second.getVersion()).isEqualTo("1");
    assertThat(second.getFile()).matches("app/app-\\d{8}T\\d{6}Z-v1\\.dump");
    Path dump = world.jobs().claim(ns, "db-backups").resolve(second.getFile());
    assertThat(dump).exists();
    assertThat(second.getBytes()).isEqualTo(Files.size(dump));
    assertThat(k8s.events("BackedUp")).hasSize(2);
    String labels = "{engine=\"postgres\",name=\"app\",namespace=\"" + ns + "\"}";
    Eventually.await("backup size and time exported", CONVERGE, () -> sample("dbops_schema_backup_size_bytes" + labels) == second.getBytes()
        && sample("dbops_schema_backup_last_success_timestamp_seconds" + labels)
            == Instant.parse(second.getCompletionTime()).getEpochSecond());
    assertThat(snapshot(database)).isNotEqualTo(beforeRun);

    // README, "Backups and restore": a fresh database, then pg_restore of the dump into it.
    String restored = database + "_restored";
    sql("postgres", "CREATE DATABASE " + restored);
    run("pg_restore", "--no-owner", "--no-privileges", "--host=127.0.0.1", "--port=" + postgres.getPort(), "--username=postgres",
        "--dbname=" + restored, dump.toString());
    assertThat(snapshot(restored)).as("schema, rows and history as they were before the run").isEqualTo(beforeRun);

    addScripts(script("V4__add_email.sql", "ALTER TABLE users ADD COLUMN email TEXT;"));
    awaitReadyAt("4");
    try (Stream<Path> files = Files.list(world.jobs().claim(ns, "db-backups").resolve("app"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).as("keep: 2 leaves the newest two")
          .hasSize(2).anySatisfy(f -> assertThat(f).endsWith("-v3.dump")).anySatisfy(f -> assertThat(f).endsWith("-v1.dump"));
    }
  }

  @Test
  void aBackupThatFailsStallsTheSchemaAndNothingIsMigrated() throws Exception {
    // A table the login may not read: pg_dump stops on it, as it would on a real permission mistake.
    sql(database, "CREATE SCHEMA vault; CREATE TABLE vault.locked (id INT)");
    applySchema("""
          backup: {beforeMigrate: true, claimName: db-backups}
        """, script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);"));

    Eventually.await("Stalled BackupFailed", CONVERGE, () -> "BackupFailed".equals(condition(k8s.schema("app"), Conditions.STALLED).getReason())
        && Conditions.isTrue(k8s.schema("app").getStatus().getConditions(), Conditions.STALLED));
    DatabaseSchema stalled = k8s.schema("app");
    assertThat(condition(stalled, Conditions.READY).getMessage()).contains("permission denied for schema vault", "Nothing was migrated",
        "dbops.io/retry");
    assertThat(stalled.getStatus().getLastBackup().getResult()).isEqualTo(RunResult.Failed);
    assertThat(k8s.events("BackupFailed")).hasSize(1);
    assertThat(jobsOf("migrate")).isEmpty();
    assertThat(snapshot(database).tables()).as("nothing in the schema Flyway manages").isEmpty();

    sql(database, "GRANT USAGE ON SCHEMA vault TO app; GRANT SELECT ON vault.locked TO app");
    k8s.annotate(DatabaseSchema.class, "app", Annotations.RETRY, "after-grant");
    awaitReadyAt("1");
    assertThat(jobsOf("backup")).hasSize(2);
    assertThat(jobsOf("migrate")).hasSize(1);
  }

  @Test
  void aRefusedDestructiveChangeRunsNothingUntilThePolicyAllowsAndThePlanIsApproved() throws Exception {
    applySchema("""
          policy: {destructive: Refuse}
        """, script("V1__create.sql", "CREATE TABLE legacy (id INT); CREATE TABLE users (id INT);"),
        script("V2__drop_legacy.sql", "INSERT INTO users VALUES (1);\nDROP TABLE legacy;"));

    Eventually.await("Stalled DestructiveChange", CONVERGE,
        () -> "DestructiveChange".equals(condition(k8s.schema("app"), Conditions.STALLED).getReason()));
    DatabaseSchema refused = k8s.schema("app");
    assertThat(condition(refused, Conditions.STALLED).getMessage()).contains("V2__drop_legacy.sql statement 2: DropTable legacy");
    assertThat(refused.getStatus().getFindings()).singleElement().satisfies(f -> {
      assertThat(f.getScript()).isEqualTo("V2__drop_legacy.sql");
      assertThat(f.getStatement()).isEqualTo(2);
      assertThat(f.getKind()).isEqualTo("DropTable");
      assertThat(f.getObject()).isEqualTo("legacy");
    });
    assertThat(k8s.jobs()).isEmpty();

    client.resources(DatabaseSchema.class).inNamespace(ns).withName("app").edit(s -> {
      s.getSpec().getPolicy().setDestructive(DestructivePolicy.RequireApproval);
      return s;
    });
    Eventually.await("approval pending", CONVERGE,
        () -> Conditions.isTrue(k8s.schema("app").getStatus().getConditions(), Conditions.APPROVAL_PENDING));
    String plan = k8s.schema("app").getStatus().getPlanHash();
    assertThat(condition(k8s.schema("app"), Conditions.READY).getMessage()).contains("DropTable legacy", "RequireApproval");
    assertThat(k8s.jobs()).isEmpty();

    k8s.annotate(DatabaseSchema.class, "app", Annotations.APPROVE, plan);
    awaitReadyAt("2");
    assertThat(k8s.schema("app").getStatus().getFindings()).isEmpty();
  }

  @Test
  void aRunInOneTransactionThatFailsLeavesTheDatabaseAsItWasAndNamesTheScript() throws Exception {
    applySchema("""
          transaction: All
        """, script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);"));
    awaitReadyAt("1");
    DatabaseSnapshot before = snapshot(database);

    addScripts(script("V2__create_orders.sql", "CREATE TABLE orders (id INT);"),
        script("V3__broken.sql", "INSERT INTO users VALUES (1); INSERT INTO nowhere VALUES (1);"));

    Eventually.await("Stalled MigrationFailed", CONVERGE,
        () -> "MigrationFailed".equals(condition(k8s.schema("app"), Conditions.STALLED).getReason()));
    DatabaseSchema failed = k8s.schema("app");
    assertThat(failed.getStatus().getFailure().getScript()).isEqualTo("V3__broken.sql");
    assertThat(failed.getStatus().getCurrentVersion()).isEqualTo("1");
    assertThat(snapshot(database)).as("V2 and V3's first statement rolled back with the history rows").isEqualTo(before);
  }

  private void applySchema(String extraSpec, InlineMigration... scripts) {
    StringBuilder inline = new StringBuilder();
    for (InlineMigration m : scripts) {
      inline.append("      - name: ").append(m.getName()).append("\n        sql: \"").append(m.getSql().replace("\"", "\\\"")
          .replace("\n", "\\n")).append("\"\n");
    }
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app}
        spec:
          connectionRef: {name: app-db}
          migrations:
            inline:
        %s%s""".formatted(inline, extraSpec));
  }

  private void addScripts(InlineMigration... scripts) {
    client.resources(DatabaseSchema.class).inNamespace(ns).withName("app").edit(s -> {
      s.getSpec().getMigrations().getInline().addAll(List.of(scripts));
      return s;
    });
  }

  private static InlineMigration script(String name, String sql) {
    return new InlineMigration(name, sql);
  }

  private void awaitReadyAt(String version) {
    Eventually.await("Ready at version " + version, CONVERGE, () -> {
      DatabaseSchema s = k8s.schema("app");
      return Namespace.isReady(s) && version.equals(s.getStatus().getCurrentVersion());
    });
  }

  /** One sample's value from /metrics, NaN when it is not there. */
  private static double sample(String series) {
    return world.operator().samples().getOrDefault(series, Double.NaN);
  }

  private List<Job> jobsOf(String operation) {
    return k8s.jobs().stream().filter(j -> operation.equals(j.getMetadata().getLabels().get("dbops.io/operation"))).toList();
  }

  private static DatabaseSnapshot snapshot(String db) throws SQLException {
    try (Connection c = superuser(db)) {
      return DatabaseSnapshot.of(c, null, "public");
    }
  }

  private static void sql(String db, String statement) throws SQLException {
    try (Connection c = superuser(db); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static Connection superuser(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?sslmode=disable", "postgres", "");
  }

  /** pg_dump refuses a server newer than itself; say which package to install rather than fail obscurely later. */
  private static void requireDumpToolFor(int serverMajor) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
    String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    java.util.regex.Matcher major = java.util.regex.Pattern.compile("\\) (\\d+)").matcher(version);
    assertThat(major.find() && Integer.parseInt(major.group(1)) >= serverMajor)
        .as("pg_dump on the PATH (%s) must be at least the embedded server's major version %d: install a newer"
            + " postgresql-client (.ci/install-native-deps)", version.strip(), serverMajor).isTrue();
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s said: %s", command[0], output).isZero();
  }
}
