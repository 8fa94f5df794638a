package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.testing.LeakScan;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Job's container contract at its process boundary: environment and mounted files in; progress,
 * a termination-message file, a last JSON line and an exit code out.
 */
class MigrateCommandProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "s3cret-Pa55word!";
  private static EmbeddedPostgres postgres;

  @TempDir Path work;
  private Path migrations;
  private Path resultFile;
  private String database;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PasswordCheckingPostgres.start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE migrator LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
    }
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @BeforeEach
  void freshDatabase() throws Exception {
    migrations = Files.createDirectories(work.resolve("migrations"));
    resultFile = work.resolve("termination-log");
    database = "job_" + Long.toHexString(System.nanoTime());
  }

  @Test
  void successfulRunWritesTheResultAndExitsZero() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);");
    script("V2__add_email.sql", "ALTER TABLE users ADD COLUMN email TEXT;");

    ChildJvm.Outcome run = ChildJvm.run(jobEnv(PASSWORD), "migrate");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("applying V1__create_users.sql", "applied  V2__add_email.sql");
    JsonNode termination = JSON.readTree(Files.readString(resultFile));
    assertThat(termination.get("success").asBoolean()).isTrue();
    assertThat(termination.get("currentVersion").asText()).isEqualTo("2");
    assertThat(termination.get("applied")).extracting(n -> n.get("script").asText())
        .containsExactly("V1__create_users.sql", "V2__add_email.sql");
    assertThat(JSON.readTree(run.lastStdoutLine())).isEqualTo(termination);
    assertThat(tableExists("users")).isTrue();
  }

  @Test
  void failingScriptExitsOneAndNamesTheScriptAndSqlState() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);");
    script("V2__duplicate.sql", "CREATE TABLE users (id INT);");

    ChildJvm.Outcome run = ChildJvm.run(jobEnv(PASSWORD), "migrate");

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode failure = JSON.readTree(Files.readString(resultFile)).get("failure");
    assertThat(failure.get("script").asText()).isEqualTo("V2__duplicate.sql");
    assertThat(failure.get("version").asText()).isEqualTo("2");
    assertThat(failure.get("sqlState").asText()).isEqualTo("42P07");
    assertThat(failure.get("transient").asBoolean()).isFalse();
  }

  @Test
  void unreachableDatabaseExitsTwo() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env = jobEnv(PASSWORD);
    env.put("DBOPS_CONNECTION", connectionJson(closedPort));

    ChildJvm.Outcome run = ChildJvm.run(env, "migrate");

    assertThat(run.exitCode()).isEqualTo(2);
    JsonNode failure = JSON.readTree(Files.readString(resultFile)).get("failure");
    assertThat(failure.get("reason").asText()).isEqualTo("Unreachable");
    assertThat(failure.get("transient").asBoolean()).isTrue();
  }

  @Test
  void wrongPasswordExitsOneAndNeverShowsThePassword() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);");
    String wrong = "Wr0ng-" + PASSWORD;

    ChildJvm.Outcome run = ChildJvm.run(jobEnv(wrong), "migrate");

    assertThat(run.exitCode()).isEqualTo(1);
    String result = Files.readString(resultFile);
    assertThat(JSON.readTree(result).get("failure").get("reason").asText()).isEqualTo("AuthenticationFailed");
    assertThat(result + run.stdout() + run.stderr()).contains("credentials Secret");
    LeakScan scan = new LeakScan();
    scan.secret("the wrong password", wrong);
    assertThat(scan.scan("the result, stdout and stderr", result + run.stdout() + run.stderr())).as("in any encoding").isEmpty();
  }

  @Test
  void missingConfigurationExitsThreeAndSaysWhatToSet() throws Exception {
    Map<String, String> env = jobEnv(PASSWORD);
    env.remove("DBOPS_CONNECTION");

    ChildJvm.Outcome run = ChildJvm.run(env, "migrate");

    assertThat(run.exitCode()).isEqualTo(3);
    JsonNode failure = JSON.readTree(Files.readString(resultFile)).get("failure");
    assertThat(failure.get("reason").asText()).isEqualTo("ConfigurationInvalid");
    assertThat(failure.get("message").asText()).contains("DBOPS_CONNECTION");
  }

  @Test
  void badlyNamedScriptsExitThreeListingEveryOffender() throws Exception {
    script("V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);");
    script("create_orders.sql", "CREATE TABLE orders (id INT);");
    script("v2__lowercase.sql", "SELECT 1;");

    ChildJvm.Outcome run = ChildJvm.run(jobEnv(PASSWORD), "migrate");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(JSON.readTree(Files.readString(resultFile)).get("failure").get("message").asText())
        .contains("create_orders.sql", "v2__lowercase.sql")
        .doesNotContain("V1__create_users.sql");
  }

  private Map<String, String> jobEnv(String password) {
    Map<String, String> env = new HashMap<>();
    env.put("DBOPS_CONNECTION", connectionJson(postgres.getPort()));
    env.put("DBOPS_SCHEMA", "{\"connectionRef\":{\"name\":\"app-db\"},\"target\":\"latest\"}");
    env.put("DBOPS_MIGRATIONS", migrations.toString());
    env.put("DBOPS_USERNAME", "migrator");
    env.put("DBOPS_PASSWORD", password);
    env.put("DBOPS_RESULT_FILE", resultFile.toString());
    return env;
  }

  private String connectionJson(int port) {
    return "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"database\":\"" + database
        + "\",\"createDatabase\":true,\"tls\":{\"mode\":\"disable\"},\"parameters\":{\"connectTimeout\":\"3\"}}";
  }

  private void script(String name, String sql) throws IOException {
    Files.writeString(migrations.resolve(name), sql, StandardCharsets.UTF_8);
  }

  private boolean tableExists(String table) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database).getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
      return rs.next();
    }
  }
}
