package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.LeakScan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration engine's scenarios, run against a real database server. Each engine's subclass
 * starts one server for the class and says how to reach it; every test gets a database of its own.
 */
abstract class AbstractMigrationEngineTest {
  static final String CREATE_USERS = "V1__create_users.sql";
  static final String INDEX_EMAIL = "V2__index_users_email.sql";
  static final String USER_NAMES_VIEW = "R__user_names.sql";

  static final String CREATE_USERS_SQL =
      "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200));\n";
  static final String INDEX_EMAIL_SQL = "CREATE INDEX users_email_idx ON users (email);\n";
  static final String USER_NAMES_VIEW_SQL = "CREATE OR REPLACE VIEW user_names AS SELECT id, name FROM users;\n";

  /** The project's migration directory, as a team keeps it in Git. */
  @TempDir
  Path scriptDirectory;

  /** The database this test migrates; created fresh before each test. */
  String database;

  /** Every line the engines of this test printed. */
  final List<String> progressLines = new CopyOnWriteArrayList<>();

  private ExecutorService threads;

  // ---- what each engine's subclass provides -------------------------------------------------

  abstract Engine engineKind();

  /** Port of the server this class started, always on 127.0.0.1. */
  abstract int port();

  /** The server's superuser, which the tests migrate with unless they say otherwise. */
  abstract Login adminLogin();

  /** A JDBC URL the test itself uses to look at the database; null means the server's admin database. */
  abstract String testJdbcUrl(String database);

  /** Schema in information_schema that holds the tables of the given database. */
  abstract String tableSchema(String database);

  abstract boolean indexExists(String database, String index) throws SQLException;

  /** A statement that keeps its session busy for the given seconds. */
  abstract String sleepStatement(String seconds);

  /** Creates a login that needs a password and may use the given database. */
  abstract void createPasswordUser(String user, String password, String database) throws SQLException;

  /** Driver parameters that make connecting to a silent server give up within a few seconds. */
  abstract Map<String, String> shortDriverTimeouts();

  /**
   * Statements that, run in one transaction, hold a lock on table users that ALTER TABLE users must
   * wait for.
   */
  abstract List<String> holdLockOnUsers();

  /** A query giving the session's lock timeout settings as text, one column per setting. */
  abstract String lockTimeoutQuery();

  /** What {@link #lockTimeoutQuery()} gives inside a migration run with this timeouts.lockSeconds. */
  abstract List<String> expectedLockTimeout(int lockSeconds);

  // ---- per-test set-up ------------------------------------------------------------------------

  @BeforeEach
  void createFreshDatabase() throws SQLException {
    database = newDatabaseName();
    execute(null, "CREATE DATABASE " + database);
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(30, TimeUnit.SECONDS);
  }

  // ---- scenarios ------------------------------------------------------------------------------

  @Test
  void freshDatabaseGetsEveryScriptInOrder() throws Exception {
    givenStandardScripts();

    MigrationResult result = migrate();

    assertSucceeded(result);
    assertThat(appliedScripts(result)).containsExactly(CREATE_USERS, INDEX_EMAIL, USER_NAMES_VIEW);
    assertThat(appliedVersions(result)).containsExactly("1", "2", null);
    assertThat(result.applied()).allSatisfy(a -> assertThat(a.success()).isTrue());
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(result.pending()).isEmpty();
    assertThat(tableExists("users")).isTrue();
    assertThat(tableExists("user_names")).isTrue();
    assertThat(indexExists(database, "users_email_idx")).isTrue();
    assertThat(progressLines).contains("applying " + CREATE_USERS, "applying " + USER_NAMES_VIEW);
  }

  @Test
  void secondRunAppliesOnlyTheNewScript() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());

    script("V4__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL);\n");
    assertThat(pendingScripts(engine().info().pending())).containsExactly("V4__create_orders.sql");
    MigrationResult result = migrate();

    assertSucceeded(result);
    assertThat(appliedScripts(result)).containsExactly("V4__create_orders.sql");
    assertThat(appliedVersions(result)).containsExactly("4");
    assertThat(result.currentVersion()).isEqualTo("4");
    assertThat(result.pending()).isEmpty();
    assertThat(tableExists("orders")).isTrue();
    assertThat(historyRowsPerScript()).containsOnly(Map.entry(CREATE_USERS, 1), Map.entry(INDEX_EMAIL, 1),
        Map.entry(USER_NAMES_VIEW, 1), Map.entry("V4__create_orders.sql", 1));
  }

  @Test
  void runWithNothingPendingAppliesNothingAndSucceeds() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());

    MigrationResult result = migrate();

    assertSucceeded(result);
    assertThat(result.applied()).isEmpty();
    assertThat(result.pending()).isEmpty();
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(historyRowsPerScript()).containsOnly(
        Map.entry(CREATE_USERS, 1), Map.entry(INDEX_EMAIL, 1), Map.entry(USER_NAMES_VIEW, 1));
  }

  @Test
  void changedRepeatableScriptIsAppliedAgain() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());

    script(USER_NAMES_VIEW, "CREATE OR REPLACE VIEW user_names AS SELECT id, name, email FROM users;\n");
    MigrationResult result = migrate();

    assertSucceeded(result);
    assertThat(appliedScripts(result)).containsExactly(USER_NAMES_VIEW);
    assertThat(appliedVersions(result)).containsOnlyNulls();
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(columnsOf("user_names")).containsExactlyInAnyOrder("id", "name", "email");
  }

  @Test
  void validateReportsAnAppliedScriptThatWasEditedAfterwards() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());

    script(CREATE_USERS, CREATE_USERS_SQL.replace("email VARCHAR(200)", "email VARCHAR(300)"));
    MigrationResult result = engine().validate();

    assertThat(result.success()).isFalse();
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.drift()).hasSize(1);
    assertThat(result.drift().get(0).version()).isEqualTo("1");
    assertThat(result.drift().get(0).script()).isEqualTo(CREATE_USERS);
    assertThat(result.drift().get(0).message()).containsIgnoringCase("checksum");
    assertThat(result.failure().reason()).isEqualTo(FailureReason.ValidationFailed);
    assertThat(result.failure().version()).isEqualTo("1");
    assertThat(result.failure().script()).isEqualTo(CREATE_USERS);
    assertThat(result.failure().transientError()).isFalse();
  }

  @Test
  void validatePassesWhenNothingWasEditedEvenWithScriptsPending() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());
    script("V3__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");

    MigrationResult result = engine().validate();

    assertSucceeded(result);
    assertThat(result.drift()).isEmpty();
    assertThat(pendingScripts(result.pending())).containsExactly("V3__create_orders.sql");
  }

  @Test
  void migrateRefusesWhenAnAppliedScriptWasEditedAfterwards() throws Exception {
    givenStandardScripts();
    assertSucceeded(migrate());

    script(CREATE_USERS, CREATE_USERS_SQL.replace("email VARCHAR(200)", "email VARCHAR(300)"));
    script("V3__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");
    MigrationResult result = migrate();

    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).isEqualTo(FailureReason.ValidationFailed);
    assertThat(result.failure().transientError()).isFalse();
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.failure().message()).contains("1");
    assertThat(result.failure().version()).as("the drifted script is named").isEqualTo("1");
    assertThat(result.failure().script()).isEqualTo(CREATE_USERS);
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(tableExists("orders")).as("nothing runs after a failed validation").isFalse();
  }

  @Test
  void existingDatabaseIsBaselinedAndOnlyLaterScriptsRun() throws Exception {
    execute(database, "CREATE TABLE legacy_customers (id INT PRIMARY KEY, name VARCHAR(100))");
    execute(database, "INSERT INTO legacy_customers (id, name) VALUES (1, 'first customer')");
    // V1 describes what already exists; running it again would fail on the existing table.
    script("V1__create_legacy_customers.sql", "CREATE TABLE legacy_customers (id INT PRIMARY KEY, name VARCHAR(100));\n");
    script("V2__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL);\n");

    MigrationResult withoutBaseline = migrate();
    assertThat(withoutBaseline.success()).as("a non-empty database without history is refused").isFalse();
    assertThat(withoutBaseline.failure().reason()).isEqualTo(FailureReason.ConfigurationInvalid);
    assertThat(withoutBaseline.exitCode()).isEqualTo(3);
    assertThat(withoutBaseline.failure().message()).contains("spec.baseline.onMigrate").doesNotContain("http");
    assertThat(tableExists("orders")).isFalse();

    MigrationResult result = migrate(settings().baselineOnMigrate("1"));

    assertSucceeded(result);
    assertThat(appliedScripts(result)).containsExactly("V2__create_orders.sql");
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(tableExists("orders")).isTrue();
    assertThat(queryString(database, "SELECT name FROM legacy_customers WHERE id = 1")).isEqualTo("first customer");
    List<AppliedScript> history = engine().info().history();
    assertThat(history).extracting(AppliedScript::version).containsExactly("1", "2");
    assertThat(history.get(0).type()).isEqualTo("BASELINE");
    assertThat(historyRowsPerScript()).doesNotContainKey("V1__create_legacy_customers.sql");
  }

  @Test
  void missingDatabaseIsReportedUnlessCreateDatabaseIsSet() throws Exception {
    givenStandardScripts();
    String missing = newDatabaseName();

    MigrationResult refused = engine(connection(missing, false), adminLogin(), settings().build()).migrate();
    assertThat(refused.success()).isFalse();
    assertThat(refused.failure().reason()).isEqualTo(FailureReason.DatabaseMissing);
    assertThat(refused.failure().transientError()).isFalse();
    assertThat(refused.failure().message()).contains(missing).contains("createDatabase");
    assertThat(databaseExists(missing)).isFalse();

    MigrationResult created = engine(connection(missing, true), adminLogin(), settings().build()).migrate();
    assertSucceeded(created);
    assertThat(databaseExists(missing)).isTrue();
    assertThat(appliedScripts(created)).containsExactly(CREATE_USERS, INDEX_EMAIL, USER_NAMES_VIEW);
    assertThat(progressLines).contains("created database " + missing);

    progressLines.clear();
    MigrationResult again = engine(connection(missing, true), adminLogin(), settings().build()).migrate();
    assertSucceeded(again);
    assertThat(again.applied()).isEmpty();
    assertThat(progressLines).noneMatch(line -> line.startsWith("created database"));
  }

  @Test
  void twoRunnersRacingToCreateTheSameDatabaseBothSucceed() throws Exception {
    givenStandardScripts();
    String missing = newDatabaseName();

    List<MigrationResult> results = atTheSameTime(
        () -> engine(connection(missing, true), adminLogin(), settings().build()).migrate(),
        () -> engine(connection(missing, true), adminLogin(), settings().build()).migrate());

    assertThat(results).allSatisfy(AbstractMigrationEngineTest::assertSucceeded);
    assertThat(databaseExists(missing)).isTrue();
    assertThat(results.get(0).applied().size() + results.get(1).applied().size()).isEqualTo(3);
    assertThat(historyRowsPerScript(missing)).containsOnly(
        Map.entry(CREATE_USERS, 1), Map.entry(INDEX_EMAIL, 1), Map.entry(USER_NAMES_VIEW, 1));
  }

  @Test
  void placeholdersAreReplacedInScripts() throws Exception {
    script("V1__create_settings.sql",
        "CREATE TABLE app_settings (name VARCHAR(50) PRIMARY KEY, setting_value VARCHAR(50));\n"
            + "INSERT INTO app_settings (name, setting_value) VALUES ('environment', '${env}');\n");

    MigrationResult result = migrate(settings().placeholder("env", "staging"));

    assertSucceeded(result);
    assertThat(queryString(database, "SELECT setting_value FROM app_settings WHERE name = 'environment'"))
        .isEqualTo("staging");
  }

  @Test
  void targetVersionStopsThereAndLeavesLaterScriptsPending() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script(INDEX_EMAIL, INDEX_EMAIL_SQL);
    script("V3__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");

    MigrationResult result = migrate(settings().target("2"));

    assertSucceeded(result);
    assertThat(appliedVersions(result)).containsExactly("1", "2");
    assertThat(result.currentVersion()).isEqualTo("2");
    assertThat(tableExists("orders")).isFalse();
    // Under target 2, V3 is above the target rather than what runs next; without a target it is pending.
    assertThat(result.pending()).isEmpty();
    MigrationResult info = engine().info();
    assertThat(info.currentVersion()).isEqualTo("2");
    assertThat(pendingVersions(info.pending())).containsExactly("3");
  }

  @Test
  void aScriptOlderThanTheCurrentVersionNeedsOutOfOrder() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script("V3__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");
    assertSucceeded(migrate());
    script("V2__create_invoices.sql", "CREATE TABLE invoices (id INT PRIMARY KEY);\n");

    MigrationResult read = engine().info();
    assertThat(read.success()).as("never applied, yet neither applied nor pending to Flyway's info: not up to date").isFalse();
    assertThat(read.failure().reason()).isEqualTo(FailureReason.ScriptOutOfOrder);
    assertThat(read.failure().script()).isEqualTo("V2__create_invoices.sql");
    assertThat(read.failure().message()).contains("below the database's version 3", "spec.outOfOrder: true", "a version above 3");
    assertThat(read.currentVersion()).isEqualTo("3");
    assertThat(engine(connection(database, false), adminLogin(), settings().outOfOrder().build()).info().pending())
        .extracting(PendingScript::script)
        .containsExactly("V2__create_invoices.sql");

    MigrationResult refused = migrate();
    assertThat(refused.success()).isFalse();
    assertThat(refused.failure().reason()).isEqualTo(FailureReason.ValidationFailed);
    assertThat(refused.failure().transientError()).isFalse();
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(tableExists("invoices")).isFalse();

    MigrationResult result = migrate(settings().outOfOrder());

    assertSucceeded(result);
    assertThat(appliedScripts(result)).containsExactly("V2__create_invoices.sql");
    assertThat(result.currentVersion()).isEqualTo("3");
    assertThat(tableExists("invoices")).isTrue();
  }

  @Test
  void twoRunnersAtOnceApplyEachScriptExactlyOnce() throws Exception {
    script("V1__create_users.sql", CREATE_USERS_SQL);
    script("V2__slow_backfill.sql", sleepStatement("1.5") + ";\n");
    script("V3__create_orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);\n");
    script("V4__create_invoices.sql", "CREATE TABLE invoices (id INT PRIMARY KEY);\n");
    script("V5__create_payments.sql", "CREATE TABLE payments (id INT PRIMARY KEY);\n");

    List<MigrationResult> results = atTheSameTime(() -> engine().migrate(), () -> engine().migrate());

    assertThat(results).allSatisfy(AbstractMigrationEngineTest::assertSucceeded);
    assertThat(results).allSatisfy(r -> assertThat(r.currentVersion()).isEqualTo("5"));
    assertThat(results.get(0).applied().size() + results.get(1).applied().size()).isEqualTo(5);
    List<String> appliedByEither = new ArrayList<>(appliedScripts(results.get(0)));
    appliedByEither.addAll(appliedScripts(results.get(1)));
    assertThat(appliedByEither).containsExactlyInAnyOrder(
        "V1__create_users.sql", "V2__slow_backfill.sql", "V3__create_orders.sql", "V4__create_invoices.sql",
        "V5__create_payments.sql");
    assertThat(historyRowsPerScript()).hasSize(5).allSatisfy((script, rows) -> assertThat(rows).isEqualTo(1));
  }

  @Test
  void closedPortIsUnreachableAndTransient() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = probe.getLocalPort();
    }
    givenStandardScripts();
    ConnectionSettings nowhere = connection(database, false).withAddress("127.0.0.1", closedPort);

    MigrationResult result =
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> engine(nowhere, adminLogin(), settings().build()).migrate());

    assertUnreachable(result);
  }

  @Test
  void serverThatAcceptsButNeverAnswersIsUnreachableAndTransient() throws Exception {
    givenStandardScripts();
    try (SilentServer silent = SilentServer.start()) {
      ConnectionSettings base = connection(database, false).withAddress("127.0.0.1", silent.port());
      ConnectionSettings nowhere = new ConnectionSettings(base.engine(), base.host(), base.port(), base.database(),
          base.tlsMode(), null, shortDriverTimeouts(), false);

      MigrationResult result =
          assertTimeoutPreemptively(Duration.ofSeconds(40), () -> engine(nowhere, adminLogin(), settings().build()).migrate());

      assertUnreachable(result);
      assertThat(silent.connectionsAccepted()).as("the driver really reached the silent server").isPositive();
    }
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailureAndNeverEchoed() throws Exception {
    givenStandardScripts();
    String user = "app_" + UUID.randomUUID().toString().substring(0, 8);
    String rightPassword = "Right-" + UUID.randomUUID();
    String wrongPassword = "Wrong-" + UUID.randomUUID();
    createPasswordUser(user, rightPassword, database);
    assertSucceeded(engine(connection(database, false), Login.of(user, rightPassword), settings().build()).info());
    progressLines.clear();

    MigrationEngine engine = engine(connection(database, false), Login.of(user, wrongPassword), settings().build());
    LeakScan passwords = new LeakScan();
    passwords.secret("the wrong password", wrongPassword);
    passwords.secret("the right password", rightPassword);
    List<MigrationResult> results = List.of(engine.migrate(), engine.info(), engine.validate(), engine.repair());

    for (MigrationResult result : results) {
      assertThat(result.success()).isFalse();
      assertThat(result.failure().reason()).isEqualTo(FailureReason.AuthenticationFailed);
      assertThat(result.failure().transientError()).isFalse();
      assertThat(result.exitCode()).isEqualTo(1);
      String json = new ObjectMapper().writeValueAsString(result);
      assertThat(json).contains("AuthenticationFailed");
      assertThat(passwords.scan("the result", json)).as("in any encoding").isEmpty();
    }
    assertThat(progressLines).isNotEmpty();
    assertThat(passwords.scan("the progress lines", String.join("\n", progressLines))).as("in any encoding").isEmpty();
    assertThat(tableExists("users")).isFalse();
  }

  @Test
  void aUrlLoginFromASecretMigratesThroughTheUrlRebuiltFromItsCheckedParts() throws Exception {
    givenStandardScripts();
    String user = "app_" + UUID.randomUUID().toString().substring(0, 8);
    // '&' and '@' would end the URL's password if the driver read the Secret's text itself.
    String password = "Url&Pa55@" + UUID.randomUUID().toString().substring(0, 8);
    createPasswordUser(user, password, database);
    String url = testJdbcUrl(database) + "&user=" + user + "&password="
        + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
    ConnectionSettings fromUrl = new ConnectionSettings(engineKind(), null, engineKind().defaultPort(), null, null, null,
        Map.of(), false);

    MigrationResult result = engine(fromUrl, Login.ofUrl(url), settings().build()).migrate();

    assertSucceeded(result);
    assertThat(tableExists("users")).isTrue();
    assertThat(String.join("\n", progressLines)).doesNotContain(password);
  }

  @Test
  void aUrlLoginThatAsksForADangerousSwitchIsRefusedBeforeAnyConnection() throws Exception {
    givenStandardScripts();
    String url = testJdbcUrl(database) + "&user=" + adminLogin().username()
        + (engineKind() == Engine.POSTGRES ? "&socketFactory=javax.net.DefaultSocketFactory" : "&allowLoadLocalInfile=true");
    ConnectionSettings fromUrl = new ConnectionSettings(engineKind(), null, engineKind().defaultPort(), null, null, null,
        Map.of(), false);

    MigrationResult result = engine(fromUrl, Login.ofUrl(url), settings().build()).migrate();

    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).isEqualTo(FailureReason.ConfigurationInvalid);
    assertThat(result.failure().message()).contains("is not allowed");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(tableExists("users")).isFalse();
  }

  @Test
  void lockSecondsZeroMeansAStatementThatMustWaitForALockFailsAtOnceAsTransient() throws Exception {
    script(CREATE_USERS, CREATE_USERS_SQL);
    assertSucceeded(migrate());
    script("V2__add_phone.sql", "ALTER TABLE users ADD phone VARCHAR(40);\n");

    try (Connection holder = open(database); Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      for (String statement : holdLockOnUsers()) {
        st.execute(statement);
      }
      // Without a limit on the wait this would hang until the holder lets go, which it does not.
      MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> migrate(settings().lockSeconds(0)));

      assertThat(result.success()).isFalse();
      assertThat(result.failure().version()).isEqualTo("2");
      assertThat(result.failure().transientError()).as("failure %s", result.failure()).isTrue();
      assertThat(result.exitCode()).isEqualTo(2);
      holder.rollback();
    }
    assertThat(columnsOf("users")).noneMatch(c -> c.equalsIgnoreCase("phone"));
  }

  @Test
  void eachMigrationSessionWaitsForLocksAsLongAsLockSecondsSays() throws Exception {
    for (int lockSeconds : new int[] {0, 7}) {
      String table = "lock_timeout_" + lockSeconds;
      script("V" + (lockSeconds + 1) + "__record_" + table + ".sql",
          "CREATE TABLE " + table + " AS " + lockTimeoutQuery() + ";\n");

      assertSucceeded(migrate(settings().lockSeconds(lockSeconds)));

      try (Connection c = open(database); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
        assertThat(rs.next()).isTrue();
        List<String> seen = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          seen.add(rs.getString(i));
        }
        assertThat(seen).as("lockSeconds %d", lockSeconds).isEqualTo(expectedLockTimeout(lockSeconds));
      }
    }
  }

  // ---- helpers the scenarios read with --------------------------------------------------------

  void givenStandardScripts() throws IOException {
    script(CREATE_USERS, CREATE_USERS_SQL);
    script(INDEX_EMAIL, INDEX_EMAIL_SQL);
    script(USER_NAMES_VIEW, USER_NAMES_VIEW_SQL);
  }

  /** Writes (or rewrites) a file in the migration directory. */
  void script(String name, String sql) throws IOException {
    Files.writeString(scriptDirectory.resolve(name), sql, StandardCharsets.UTF_8);
  }

  MigrationResult migrate() {
    return engine().migrate();
  }

  MigrationResult migrate(SettingsBuilder settings) {
    return engine(connection(database, false), adminLogin(), settings.build()).migrate();
  }

  MigrationResult repair() {
    return engine().repair();
  }

  /** A fresh engine over the current migration directory, as each Job run builds one. */
  MigrationEngine engine() {
    return engine(connection(database, false), adminLogin(), settings().build());
  }

  MigrationEngine engine(ConnectionSettings connection, Login login, MigrationSettings settings) {
    return new MigrationEngine(connection, login, settings, MigrationScripts.fromDirectories(List.of(scriptDirectory)),
        JdbcTargets.withTemporaryTrustStores(), progressLines::add);
  }

  ConnectionSettings connection(String database, boolean createDatabase) {
    return new ConnectionSettings(engineKind(), "127.0.0.1", port(), database, TlsMode.DISABLE, null, Map.of(), createDatabase);
  }

  static SettingsBuilder settings() {
    return new SettingsBuilder();
  }

  /** MigrationSettings with the defaults a DatabaseSchema without those fields gets. */
  static final class SettingsBuilder {
    private String target = "latest";
    private final Map<String, String> placeholders = new LinkedHashMap<>();
    private boolean baselineOnMigrate;
    private String baselineVersion = "1";
    private boolean outOfOrder;
    private int lockSeconds = SchemaDefaults.LOCK_SECONDS;

    SettingsBuilder target(String version) {
      this.target = version;
      return this;
    }

    SettingsBuilder placeholder(String name, String value) {
      placeholders.put(name, value);
      return this;
    }

    SettingsBuilder baselineOnMigrate(String version) {
      baselineOnMigrate = true;
      baselineVersion = version;
      return this;
    }

    SettingsBuilder outOfOrder() {
      outOfOrder = true;
      return this;
    }

    SettingsBuilder lockSeconds(int seconds) {
      lockSeconds = seconds;
      return this;
    }

    MigrationSettings build() {
      return new MigrationSettings(List.of(), target, placeholders, baselineOnMigrate, baselineVersion, outOfOrder,
          lockSeconds, 0);
    }
  }

  static void assertSucceeded(MigrationResult result) {
    assertThat(result.success()).as("success of %s, failure %s", result.operation(), result.failure()).isTrue();
    assertThat(result.failure()).isNull();
    assertThat(result.exitCode()).isZero();
  }

  static void assertUnreachable(MigrationResult result) {
    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).as("failure %s", result.failure()).isEqualTo(FailureReason.Unreachable);
    assertThat(result.failure().transientError()).isTrue();
    assertThat(result.exitCode()).isEqualTo(2);
  }

  static List<String> appliedScripts(MigrationResult result) {
    return result.applied().stream().map(AppliedScript::script).toList();
  }

  static List<String> appliedVersions(MigrationResult result) {
    return result.applied().stream().map(AppliedScript::version).toList();
  }

  static List<String> pendingScripts(List<PendingScript> pending) {
    return pending.stream().map(PendingScript::script).toList();
  }

  static List<String> pendingVersions(List<PendingScript> pending) {
    return pending.stream().map(PendingScript::version).toList();
  }

  /** Runs the actions on two threads released together, and waits for both. */
  @SafeVarargs
  final List<MigrationResult> atTheSameTime(Supplier<MigrationResult>... actions) throws Exception {
    CountDownLatch ready = new CountDownLatch(actions.length);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<MigrationResult>> futures = new ArrayList<>();
    for (Supplier<MigrationResult> action : actions) {
      futures.add(threads.submit(() -> {
        ready.countDown();
        go.await();
        return action.get();
      }));
    }
    ready.await();
    go.countDown();
    List<MigrationResult> results = new ArrayList<>();
    for (Future<MigrationResult> f : futures) {
      results.add(f.get(120, TimeUnit.SECONDS));
    }
    return results;
  }

  static String newDatabaseName() {
    return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  Connection open(String database) throws SQLException {
    return DriverManager.getConnection(testJdbcUrl(database), adminLogin().username(), adminLogin().password());
  }

  void execute(String database, String sql) throws SQLException {
    try (Connection c = open(database); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  String queryString(String database, String sql) throws SQLException {
    try (Connection c = open(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  boolean tableExists(String table) throws SQLException {
    return tableExists(database, table);
  }

  boolean tableExists(String database, String table) throws SQLException {
    try (Connection c = open(database);
        PreparedStatement st = c.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
      st.setString(1, tableSchema(database));
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  List<String> columnsOf(String table) throws SQLException {
    try (Connection c = open(database);
        PreparedStatement st = c.prepareStatement(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
      st.setString(1, tableSchema(database));
      st.setString(2, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      return columns;
    }
  }

  boolean databaseExists(String name) throws SQLException {
    try (Connection c = open(null)) {
      return EngineDialect.of(engineKind()).databaseExists(c, name);
    }
  }

  Map<String, Integer> historyRowsPerScript() throws SQLException {
    return historyRowsPerScript(database);
  }

  /** How many rows the schema history table holds for each script. */
  Map<String, Integer> historyRowsPerScript(String database) throws SQLException {
    Map<String, Integer> rows = new HashMap<>();
    try (Connection c = open(database);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT script, COUNT(*) FROM flyway_schema_history GROUP BY script")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getInt(2));
      }
    }
    return rows;
  }

  /** Accepts connections on 127.0.0.1 and never says a word: a hung server or a black-holing proxy. */
  static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    private SilentServer(ServerSocket socket) {
      this.socket = socket;
      this.acceptor = new Thread(this::acceptForever, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    static SilentServer start() throws IOException {
      return new SilentServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
    }

    private void acceptForever() {
      while (!socket.isClosed()) {
        try {
          accepted.add(socket.accept());
        } catch (IOException e) {
          return;
        }
      }
    }

    int port() {
      return socket.getLocalPort();
    }

    int connectionsAccepted() {
      return accepted.size();
    }

    @Override
    public void close() throws IOException, InterruptedException {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
      acceptor.join(5000);
    }
  }
}
