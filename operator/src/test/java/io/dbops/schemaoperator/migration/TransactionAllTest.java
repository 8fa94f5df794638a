package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Transaction;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.DatabaseSnapshot;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.transaction All on a real PostgreSQL: a run that fails leaves tables, rows and Flyway's
 * history table exactly as they were, and the failure still names the script.
 */
class TransactionAllTest {
  private static EmbeddedPostgres server;

  @TempDir
  Path scripts;
  private String database;

  @BeforeAll
  static void startServer() throws IOException {
    server = PasswordCheckingPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void freshDatabase() throws SQLException {
    database = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = open("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + database);
    }
  }

  @Test
  void aRunThatFailsInItsLastScriptLeavesTheDatabaseExactlyAsItWas() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT);");
    assertThat(migrate(Transaction.PerScript).success()).isTrue();
    sql("INSERT INTO users VALUES (1, 'ada'), (2, 'grace')");
    DatabaseSnapshot before = snapshot();
    script("V2__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY); INSERT INTO orders VALUES (1);");
    script("V3__rename_and_fail.sql", "UPDATE users SET name = 'x'; ALTER TABLE users ADD COLUMN email TEXT;"
        + " INSERT INTO no_such_table VALUES (1);");

    MigrationResult result = migrate(Transaction.All);

    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(result.failure().script()).isEqualTo("V3__rename_and_fail.sql");
    assertThat(result.failure().sqlState()).isEqualTo("42P01");
    assertThat(result.applied()).as("nothing of the run stayed").isEmpty();
    assertThat(result.currentVersion()).isEqualTo("1");
    DatabaseSnapshot after = snapshot();
    assertThat(after.tables()).containsKeys("users", "flyway_schema_history").doesNotContainKey("orders");
    assertThat(after).as("tables, rows and the history table as before the run").isEqualTo(before);

    script("V3__rename_and_fail.sql", "ALTER TABLE users ADD COLUMN email TEXT;");
    MigrationResult fixed = migrate(Transaction.All);
    assertThat(fixed.success()).isTrue();
    assertThat(fixed.applied()).extracting(MigrationResult.AppliedScript::version).containsExactly("2", "3");
  }

  @Test
  void aScriptThatCannotRunInATransactionFailsTheRunBeforeAnythingRuns() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY, email TEXT);");
    assertThat(migrate(Transaction.PerScript).success()).isTrue();
    DatabaseSnapshot before = snapshot();
    script("V2__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
    script("V3__index_concurrently.sql", "CREATE INDEX CONCURRENTLY users_email ON users (email);");

    MigrationResult result = migrate(Transaction.All);

    assertThat(result.success()).isFalse();
    assertThat(result.failure().script()).isEqualTo("V3__index_concurrently.sql");
    assertThat(result.failure().message()).contains("must run outside a transaction", "Nothing was applied", "PerScript");
    assertThat(result.failure().repairNeeded()).as("nothing ran, nothing to repair").isNull();
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void mysqlAndMariaDbRefuseOneTransactionForTheRunBeforeConnecting() {
    for (Engine engine : List.of(Engine.MYSQL, Engine.MARIADB)) {
      // Nothing listens on this port: the refusal comes before any connection is tried.
      ConnectionSettings connection = new ConnectionSettings(engine, "127.0.0.1", 1, "app", TlsMode.DISABLE, null, Map.of(), false);
      try (MigrationScripts staged = MigrationScripts.fromNamedSources(List.of(Map.of("V1__a.sql", "SELECT 1;")))) {
        MigrationResult result = new MigrationEngine(connection, Login.of("app", "pw"),
            MigrationSettings.defaults().withTransaction(Transaction.All), staged, JdbcTargets.withTemporaryTrustStores(),
            line -> { }).migrate();

        assertThat(result.exitCode()).as(engine.wireName()).isEqualTo(3);
        assertThat(result.failure().reason()).isEqualTo(FailureReason.ConfigurationInvalid);
        assertThat(result.failure().message()).contains("spec.transaction All", engine.wireName(), "PerScript");
      }
    }
    assertThat(MigrationSettings.defaults().withTransaction(Transaction.All).refusalOn(Engine.POSTGRES)).isNull();
    assertThat(MigrationSettings.defaults().withTransaction(Transaction.All).refusalOn(Engine.SQLSERVER)).isNull();
  }

  private MigrationResult migrate(Transaction transaction) {
    ConnectionSettings connection = new ConnectionSettings(Engine.POSTGRES, "127.0.0.1", server.getPort(), database,
        TlsMode.DISABLE, null, Map.of(), false);
    return new MigrationEngine(connection, Login.of("postgres", ""), MigrationSettings.defaults().withTransaction(transaction),
        MigrationScripts.fromDirectories(List.of(scripts)), JdbcTargets.withTemporaryTrustStores(), line -> { }).migrate();
  }

  private void script(String name, String sql) throws IOException {
    Files.writeString(scripts.resolve(name), sql, StandardCharsets.UTF_8);
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = open(database); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private DatabaseSnapshot snapshot() throws SQLException {
    try (Connection c = open(database)) {
      return DatabaseSnapshot.of(c, null, "public");
    }
  }

  private static Connection open(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + db + "?sslmode=disable", "postgres", "");
  }
}
