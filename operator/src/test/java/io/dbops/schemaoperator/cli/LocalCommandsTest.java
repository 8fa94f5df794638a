package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.testing.Golden;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** apply, plan and validate as a person or a pipeline runs them against YAML files. */
class LocalCommandsTest {
  private static final Path QUICKSTART = Path.of("..", "examples", "quickstart");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedPostgres server;

  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void startServer() throws IOException {
    server = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Test
  void quickstartAppliesToAnEmbeddedDatabaseAndShowsTheVersions() {
    Run run = run("apply", "-f", QUICKSTART.toString(), "--embedded");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("schema app-schema: applied 4, now at version 3")
        .contains("VERSION", "create users", "index users email", "create orders", "(repeatable)", "active users view");
  }

  @Test
  void planOnAFreshEmbeddedDatabaseListsEveryScriptWithItsChecksum() throws Exception {
    Run run = run("plan", "-f", QUICKSTART.toString(), "--embedded", "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode pending = JSON.readTree(run.out()).get("schemas").get(0).get("result").get("pending");
    assertThat(pending).extracting(p -> p.get("script").asText()).containsExactly(
        "V1__create_users.sql", "V2__index_users_email.sql", "V3__create_orders.sql", "R__active_users_view.sql");
    assertThat(pending).allSatisfy(p -> assertThat(p.get("checksum").isInt()).isTrue());
  }

  @Test
  void applyThenPlanAgainstARealServerShowsNothingLeftAndApplyIsANoOp() throws IOException {
    Path files = manifests("app_noop", "CREATE TABLE t (id INT);");

    assertThat(run("apply", "-f", files.toString()).exitCode()).isZero();
    Run plan = run("plan", "-f", files.toString());
    Run again = run("apply", "-f", files.toString());

    assertThat(plan.out()).contains("at version 1, nothing to apply");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("already up to date");
  }

  @Test
  void validateCatchesAnAppliedScriptThatWasEditedAfterwards() throws IOException {
    String database = "app_drift";
    assertThat(run("apply", "-f", manifests(database, "CREATE TABLE t (id INT);").toString()).exitCode()).isZero();

    Run run = run("validate", "-f", manifests(database, "CREATE TABLE t (id BIGINT);").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("V1__create_t.sql").contains("checksum");
  }

  @Test
  void planAsMarkdownIsThePullRequestSummaryKeptInTheGoldenFile() throws IOException {
    Path files = Files.createDirectories(dir.resolve("golden"));
    writeConnection(files, "app_golden");
    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - name: V1__create_orders.sql
                sql: "CREATE TABLE orders (id BIGINT PRIMARY KEY);"
              - name: V2__index_orders.sql
                sql: "CREATE INDEX orders_id ON orders (id);"
        """));
    assertThat(run("apply", "-f", files.toString()).exitCode()).isZero();
    // The pull request: V1 edited after it was applied (drift), two scripts added; a second schema
    // never applied; a third whose connection is not in the files.
    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - name: V1__create_orders.sql
                sql: "CREATE TABLE orders (id BIGINT PRIMARY KEY, total NUMERIC);"
              - name: V2__index_orders.sql
                sql: "CREATE INDEX orders_id ON orders (id);"
              - name: V3__add_customers.sql
                sql: "CREATE TABLE customers (id BIGINT PRIMARY KEY);"
              - name: R__order_totals.sql
                sql: "CREATE OR REPLACE VIEW order_totals AS SELECT count(*) AS n FROM orders;"
        """));
    Files.writeString(files.resolve("other.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: billing}
        spec:
          connectionRef: {name: db}
          schemas: [billing]
          migrations:
            inline:
              - {name: V1__create_invoices.sql, sql: "CREATE TABLE invoices (id BIGINT);"}
        ---
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: lost, namespace: team-a}
        spec:
          connectionRef: {name: nowhere}
          migrations:
            inline:
              - {name: V1__t.sql, sql: "SELECT 1;"}
        """);

    Run plan = run("plan", "-o", "markdown", "-f", files.toString());

    assertThat(plan.exitCode()).as("the worst outcome: a schema without its connection is bad configuration").isEqualTo(3);
    Golden.assertMatches(Path.of("src", "test", "resources", "cli", "plan.md"), plan.out());
  }

  @Test
  void planReportsDriftAndFailsOnItOnlyWhenAsked() throws Exception {
    Path files = Files.createDirectories(dir.resolve("drift-exit"));
    writeConnection(files, "app_drift_exit");
    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - {name: V1__create_orders.sql, sql: "CREATE TABLE orders (id INT);"}
              - {name: V2__more.sql, sql: "CREATE TABLE more (id INT);"}
        """));
    assertThat(run("apply", "-f", files.toString()).exitCode()).isZero();
    assertThat(run("plan", "--fail-on-drift", "-f", files.toString()).exitCode()).as("nothing drifted").isZero();

    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - {name: V1__create_orders.sql, sql: "CREATE TABLE orders (id BIGINT);"}
              - {name: V2__more.sql, sql: "CREATE TABLE more (id INT);"}
        """));
    Run reported = run("plan", "-o", "json", "-f", files.toString());
    Run failed = run("plan", "--fail-on-drift", "-f", files.toString());

    assertThat(reported.exitCode()).isZero();
    assertThat(JSON.readTree(reported.out()).get("schemas").get(0).get("result").get("drift"))
        .singleElement().satisfies(d -> assertThat(d.get("script").asText()).isEqualTo("V1__create_orders.sql"));
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.out()).contains("DRIFTED (1)", "V1__create_orders.sql");
  }

  @Test
  void aDatabaseAheadOfTheScriptsIsDriftInThePlanAsTheOperatorSeesIt() throws Exception {
    Path files = Files.createDirectories(dir.resolve("ahead"));
    writeConnection(files, "app_ahead");
    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - {name: V1__create_orders.sql, sql: "CREATE TABLE orders (id INT);"}
              - {name: V2__more.sql, sql: "CREATE TABLE more (id INT);"}
        """));
    assertThat(run("apply", "-f", files.toString()).exitCode()).isZero();
    Files.writeString(files.resolve("orders.yaml"), ordersSchema("""
              - {name: V1__create_orders.sql, sql: "CREATE TABLE orders (id INT);"}
        """));

    Run plan = run("plan", "--fail-on-drift", "-o", "markdown", "-f", files.toString());

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.out()).contains("| `orders` | `db` | 2 | 0 | **1 script** |", "ahead of the highest script here (1)");
  }

  @Test
  void onlyPlanWritesMarkdown() {
    for (String command : new String[] {"apply", "validate"}) {
      Run run = run(command, "-o", "markdown", "-f", QUICKSTART.toString(), "--embedded");
      assertThat(run.exitCode()).as(command).isEqualTo(3);
      assertThat(run.err()).contains("only plan writes Markdown");
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void unreadableManifestsStillGiveAPullRequestCommentSayingWhy() {
    Run run = run("plan", "-o", "markdown", "-f", dir.resolve("nope").toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).startsWith(PlanMarkdown.MARKER).contains("Could not read the manifests", "no such file or directory");
  }

  @Test
  void badlyNamedInlineScriptsAreRefusedWithEveryOffendingName() throws IOException {
    Path files = manifests("app_names", "CREATE TABLE t (id INT);");
    Files.writeString(files.resolve("schema.yaml"), Files.readString(files.resolve("schema.yaml"))
        .replace("V1__create_t.sql", "create_t.sql") + "      - name: v2__lower.sql\n        sql: SELECT 1;\n");

    Run run = run("apply", "-f", files.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("create_t.sql", "v2__lower.sql");
  }

  @Test
  void aMissingSecretIsRefusedWithWhatToAdd() throws IOException {
    Path files = manifests("app_secret", "CREATE TABLE t (id INT);");
    Files.delete(files.resolve("secret.yaml"));

    Run run = run("apply", "-f", files.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("Secret is not in the files", "DBOPS_USERNAME");
  }

  @Test
  void aValueTheModelCannotHoldIsBadConfigurationNamingTheField() throws IOException {
    Path files = manifests("app_overflow", "CREATE TABLE t (id INT);");
    Files.writeString(files.resolve("connection.yaml"), Files.readString(files.resolve("connection.yaml"))
        + "  healthCheck: {intervalSeconds: 3000000000}\n");

    Run run = run("apply", "-f", files.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out() + run.err()).contains("DatabaseConnection db: spec.healthCheck.intervalSeconds: '3000000000'");
  }

  @Test
  void aMissingFileIsBadConfiguration() {
    Run run = run("apply", "-f", dir.resolve("nope.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no such file or directory");
  }

  @Test
  void aSetInTheFilesAppliesItsTemplateToEachConnectionItSelectsAndNoOther() throws IOException {
    Path files = Files.createDirectories(dir.resolve("tenants"));
    StringBuilder yaml = new StringBuilder("""
        apiVersion: v1
        kind: Secret
        metadata: {name: db-login}
        stringData: {username: postgres, password: postgres}
        """);
    for (String tenant : new String[] {"acme", "globex", "internal"}) {
      yaml.append("""
          ---
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata:
            name: %s
            labels: {tier: %s}
          spec:
            engine: postgres
            host: 127.0.0.1
            port: %d
            database: local_%s
            createDatabase: true
            credentials: {secretName: db-login}
            tls: {mode: disable}
          """.formatted(tenant, tenant.equals("internal") ? "ops" : "tenant", server.getPort(), tenant));
    }
    Files.writeString(files.resolve("connections.yaml"), yaml);
    Files.writeString(files.resolve("set.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchemaSet
        metadata: {name: shop}
        spec:
          selector: {matchLabels: {tier: tenant}}
          template:
            schemas: [shop]
            migrations:
              inline:
                - {name: V1__create_carts.sql, sql: "CREATE TABLE carts (id INT);"}
        """);

    Run apply = run("apply", "-f", files.toString());
    Run plan = run("plan", "-f", files.toString(), "--schema", "shop-globex");

    assertThat(apply.exitCode()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("schema shop-acme: applied 1", "schema shop-globex: applied 1").doesNotContain("internal");
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("schema shop-globex: at version 1, nothing to apply").doesNotContain("shop-acme");
  }

  @Test
  void aSetWhoseChildWouldShareANameWithASchemaInTheFilesIsRefused() throws IOException {
    Path files = manifests("app_clash", "CREATE TABLE t (id INT);");
    Files.writeString(files.resolve("connection.yaml"), Files.readString(files.resolve("connection.yaml"))
        .replace("metadata: {name: db}", "metadata: {name: db, labels: {tier: tenant}}"));
    Files.writeString(files.resolve("schema.yaml"), Files.readString(files.resolve("schema.yaml"))
        .replace("metadata: {name: s}", "metadata: {name: s-db}"));
    Files.writeString(files.resolve("set.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchemaSet
        metadata: {name: s}
        spec:
          selector: {matchLabels: {tier: tenant}}
          template:
            migrations:
              inline:
                - {name: V1__create_u.sql, sql: "CREATE TABLE u (id INT);"}
        """);

    Run run = run("apply", "-f", files.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("DatabaseSchemaSet s would make DatabaseSchema s-db, which the files define too");
  }
  private void writeConnection(Path files, String database) throws IOException {
    Files.writeString(files.resolve("connection.yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: db-login}
        stringData: {username: postgres, password: postgres}
        ---
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: db-login}
          tls: {mode: disable}
        """.formatted(server.getPort(), database));
  }

  /** The schema "orders" in Flyway schema orders, with these inline entries (YAML list items). */
  private static String ordersSchema(String inline) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: orders}
        spec:
          connectionRef: {name: db}
          schemas: [orders]
          migrations:
            inline:
        """ + inline;
  }

  private Path manifests(String database, String sql) throws IOException {
    Path files = Files.createDirectories(dir.resolve(database + "-" + System.nanoTime()));
    Files.writeString(files.resolve("secret.yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: db-login}
        stringData: {username: postgres, password: postgres}
        """);
    Files.writeString(files.resolve("connection.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: db-login}
          tls: {mode: disable}
        """.formatted(server.getPort(), database));
    Files.writeString(files.resolve("schema.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: s}
        spec:
          connectionRef: {name: db}
          migrations:
            inline:
              - name: V1__create_t.sql
                sql: "%s"
        """.formatted(sql));
    return files;
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SchemaOperatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
