package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.model.Backup;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.DatabaseSnapshot;
import io.dbops.schemaoperator.testing.PatientMariaDb;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A MariaDB backup Job's real command (Debian's mariadb-dump, one transaction) run by the fake Job
 * controller against a real MariaDB, and the dump restored with the mariadb client as README says.
 * No operator runs: the test creates the Job as the operator would build it. The world's leak scan
 * reads the Job's log and everything written to the mock API server for the login's password.
 */
class MariaDbBackupTest {
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.shared();
  private static final String NS = "team-a";
  private static final String USER = "dumper";
  private static final String PASSWORD = "Dump3r-Secret-Pa55";
  private static PatientMariaDb server;

  @BeforeAll
  static void startServer() throws Exception {
    server = world.own(PatientMariaDb.startForScenarios());
    server.login(USER, PASSWORD, "*.*");
  }

  @Test
  void theBackupJobDumpsWithMariadbDumpIntoTheClaimAndTheDumpRestoresToTheSameTablesAndRows() throws Exception {
    sql(null, "CREATE DATABASE shop");
    sql("shop", "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, note TEXT)");
    sql("shop", "INSERT INTO customers VALUES (1, 'ada', 'it''s; quoted'), (2, 'grace', NULL)");
    sql("shop", "CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50))");
    sql("shop", "INSERT INTO flyway_schema_history VALUES (1, '1')");

    world.cluster().secret(NS, "shop-db", Map.of("username", USER, "password", PASSWORD));
    assertThat(world.scansFor(PASSWORD)).as("the world's leak scan looks for the login's password").isTrue();
    Job job = BackupJobBuilder.build(new BackupJobBuilder.Request(schema(), connection(), "a".repeat(64), 1, "1",
        "MySQL 11.4.5-MariaDB"));
    world.client().batch().v1().jobs().inNamespace(NS).resource(job).create();

    Eventually.await("backup Job finished", Duration.ofSeconds(60), () -> world.client().pods().inNamespace(NS).list()
        .getItems().stream().anyMatch(p -> p.getStatus().getContainerStatuses().get(0).getState().getTerminated() != null));
    Pod pod = world.client().pods().inNamespace(NS).list().getItems().get(0);
    var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).as("log: %s", world.jobs().logs()).isZero();
    JsonNode result = new ObjectMapper().readTree(terminated.getMessage());
    assertThat(result.get("file").asText()).matches("shop-schema/shop-schema-\\d{8}T\\d{6}Z-v1\\.sql");
    Path dump = world.jobs().claim(NS, "db-backups").resolve(result.get("file").asText());
    assertThat(result.get("bytes").asLong()).isEqualTo(Files.size(dump));
    assertThat(Files.readString(dump)).as("one database: no CREATE DATABASE, so it restores into any")
        .doesNotContain("CREATE DATABASE");

    sql(null, "CREATE DATABASE shop_restored");
    // README, "Backups and restore": the mariadb client reads the dump into a fresh database.
    ProcessBuilder client = new ProcessBuilder("mariadb", "--host=127.0.0.1", "--port=" + server.port(), "--user=" + USER,
        "--skip-ssl", "shop_restored").redirectInput(dump.toFile()).redirectErrorStream(true).redirectOutput(new File("/dev/null"));
    client.environment().put("MYSQL_PWD", PASSWORD);
    Process restore = client.start();
    assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(restore.exitValue()).isZero();
    assertThat(snapshot("shop_restored")).isEqualTo(snapshot("shop"));
  }

  private static DatabaseSchema schema() {
    DatabaseSchema schema = new DatabaseSchema();
    schema.setMetadata(new ObjectMetaBuilder().withName("shop-schema").withNamespace(NS).withUid("u-1").build());
    DatabaseSchemaSpec spec = new DatabaseSchemaSpec();
    ConnectionRef ref = new ConnectionRef();
    ref.setName("shop-db");
    spec.setConnectionRef(ref);
    spec.setMigrations(new Migrations());
    Backup backup = new Backup();
    backup.setBeforeMigrate(true);
    backup.setClaimName("db-backups");
    spec.setBackup(backup);
    schema.setSpec(spec);
    return schema;
  }

  private static DatabaseConnection connection() {
    DatabaseConnection connection = new DatabaseConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName("shop-db").withNamespace(NS).build());
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.MARIADB);
    spec.setHost("127.0.0.1");
    spec.setPort(server.port());
    spec.setDatabase("shop");
    Credentials credentials = new Credentials();
    credentials.setSecretName("shop-db");
    spec.setCredentials(credentials);
    Tls tls = new Tls();
    tls.setMode(TlsMode.DISABLE);
    spec.setTls(tls);
    connection.setSpec(spec);
    return connection;
  }

  private static DatabaseSnapshot snapshot(String database) throws SQLException {
    try (Connection c = open(database)) {
      return DatabaseSnapshot.of(c, database, null);
    }
  }

  private static void sql(String database, String statement) throws SQLException {
    try (Connection c = open(database); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static Connection open(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port() + "/" + (database == null ? "" : database)
        + "?sslMode=DISABLED", USER, PASSWORD);
  }
}
