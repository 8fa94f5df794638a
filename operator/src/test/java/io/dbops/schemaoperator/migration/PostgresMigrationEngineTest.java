package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine against a real PostgreSQL (embedded binaries), whose DDL is transactional. */
class PostgresMigrationEngineTest extends AbstractMigrationEngineTest {
  private static EmbeddedPostgres server;

  @BeforeAll
  static void startServer() throws IOException {
    server = PasswordCheckingPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  Engine engineKind() {
    return Engine.POSTGRES;
  }

  @Override
  int port() {
    return server.getPort();
  }

  @Override
  Login adminLogin() {
    return Login.of("postgres", "");
  }

  @Override
  String testJdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + (database == null ? "postgres" : database) + "?sslmode=disable";
  }

  @Override
  String tableSchema(String database) {
    return "public";
  }

  @Override
  boolean indexExists(String database, String index) throws SQLException {
    try (Connection c = open(database);
        PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?")) {
      st.setString(1, index);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  @Override
  String sleepStatement(String seconds) {
    return "SELECT pg_sleep(" + seconds + ")";
  }

  @Override
  void createPasswordUser(String user, String password, String database) throws SQLException {
    try (Connection c = open(null); Statement st = c.createStatement()) {
      st.execute("SET password_encryption = 'scram-sha-256'");
      st.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      st.execute("GRANT ALL ON DATABASE " + database + " TO " + user);
    }
    // PostgreSQL 15+ no longer lets every role create in public; grant it for any server version.
    execute(database, "GRANT ALL ON SCHEMA public TO " + user);
  }

  @Override
  Map<String, String> shortDriverTimeouts() {
    return Map.of("connectTimeout", "2", "loginTimeout", "3", "socketTimeout", "3");
  }

  @Override
  List<String> holdLockOnUsers() {
    return List.of("LOCK TABLE users IN ACCESS SHARE MODE");
  }

  @Override
  String lockTimeoutQuery() {
    return "SELECT current_setting('lock_timeout') AS lock_timeout";
  }

  @Override
  List<String> expectedLockTimeout(int lockSeconds) {
    // PostgreSQL's lock_timeout 0 would mean "no limit"; one millisecond is its "do not wait".
    return List.of(lockSeconds == 0 ? "1ms" : lockSeconds + "s");
  }

  @Test
  void failingScriptIsRolledBackAndTheVersionStaysWhereItWas() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script("V2__create_orders.sql",
        "CREATE TABLE orders (id INT PRIMARY KEY);\n"
            + "INSERT INTO no_such_table (id) VALUES (1);\n");
    script("V3__create_invoices.sql", "CREATE TABLE invoices (id INT PRIMARY KEY);\n");

    MigrationResult result = migrate();

    assertThat(result.success()).isFalse();
    assertThat(result.exitCode()).isEqualTo(1);
    MigrationFailure failure = result.failure();
    assertThat(failure.reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(failure.version()).isEqualTo("2");
    assertThat(failure.script()).isEqualTo("V2__create_orders.sql");
    assertThat(failure.sqlState()).isEqualTo("42P01");
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.repairNeeded()).as("PostgreSQL rolled the script back: nothing to repair").isNull();
    assertThat(failure.message()).contains("no_such_table");
    assertThat(progressLines).contains("FAILED   V2__create_orders.sql");
    assertThat(appliedVersions(result)).as("the failed run still reports what it committed").containsExactly("1");
    assertThat(result.currentVersion()).isEqualTo("1");
    assertThat(pendingVersions(result.pending())).containsExactly("2", "3");

    assertThat(tableExists("users")).isTrue();
    assertThat(tableExists("orders")).as("V2's first statement was rolled back with it").isFalse();
    assertThat(tableExists("invoices")).isFalse();
    MigrationResult info = engine().info();
    assertThat(info.currentVersion()).isEqualTo("1");
    assertThat(pendingVersions(info.pending())).containsExactly("2", "3");
    assertThat(historyRowsPerScript()).containsOnlyKeys(CREATE_USERS);

    script("V2__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");
    MigrationResult fixed = migrate();
    assertSucceeded(fixed);
    assertThat(appliedVersions(fixed)).containsExactly("2", "3");
  }

  @Test
  void indexBuiltConcurrentlyRunsOutsideATransactionWithoutBlockingOnTheRunLock() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script("V2__index_users_name.sql", "CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n");

    MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> migrate(),
        "a transaction-scoped run lock would make CREATE INDEX CONCURRENTLY wait for it forever");

    assertSucceeded(result);
    assertThat(appliedVersions(result)).containsExactly("1", "2");
    assertThat(queryString(database, "SELECT indexname FROM pg_indexes WHERE indexname = 'users_name_idx'"))
        .isEqualTo("users_name_idx");
  }

  @Test
  void dropRemovesOnlyTheSchemasTheResourceManages() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    MigrationSettings inApp = new MigrationSettings(List.of("app"), "latest", Map.of(), false, "1", false, 30, 0);
    assertSucceeded(engine(connection(database, false), adminLogin(), inApp).migrate());
    execute(database, "CREATE TABLE public.keep_me (id INT)");

    MigrationResult dropped = engine(connection(database, false), adminLogin(), inApp).drop();

    assertSucceeded(dropped);
    assertThat(queryString(database, "SELECT count(*)::text FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("0");
    assertThat(queryString(database, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'keep_me'")).isEqualTo("1");
  }

  @Test
  void dropRefusesThePublicSchemaAndAResourceWithoutSchemas() {
    MigrationSettings inPublic = new MigrationSettings(List.of("public"), "latest", Map.of(), false, "1", false, 30, 0);

    MigrationResult publicRefused = engine(connection(database, false), adminLogin(), inPublic).drop();
    MigrationResult noSchemas = engine().drop();

    assertThat(publicRefused.exitCode()).isEqualTo(3);
    assertThat(publicRefused.failure().message()).contains("refusing to drop schema public");
    assertThat(noSchemas.exitCode()).isEqualTo(3);
    assertThat(noSchemas.failure().message()).contains("spec.schemas");
  }
}
