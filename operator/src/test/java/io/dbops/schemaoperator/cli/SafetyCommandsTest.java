package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** plan shows destructive changes; apply and plan refuse one transaction for a MySQL/MariaDB run (issue 13). */
class SafetyCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void planListsTheDestructiveChangesOfTheScriptsThatWouldRunInTableAndJson() throws Exception {
    Path files = manifests("postgres", "127.0.0.1", 5432, "",
        "CREATE TABLE legacy (id INT); CREATE TABLE users (id INT, name TEXT);",
        "ALTER TABLE users DROP COLUMN name;\\nDROP TABLE legacy;");

    Run table = run("plan", "-f", files.toString(), "--embedded");
    Run json = run("plan", "-f", files.toString(), "--embedded", "-o", "json");

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("destructive changes", "SCRIPT", "KIND")
        .containsPattern("V2__change\\.sql\\s+1\\s+DropColumn\\s+users\\.name")
        .containsPattern("V2__change\\.sql\\s+2\\s+DropTable\\s+legacy");
    JsonNode findings = JSON.readTree(json.out()).get("schemas").get(0).get("findings");
    assertThat(findings).extracting(f -> f.get("kind").asText()).containsExactly("DropColumn", "DropTable");
    assertThat(findings.get(1).get("statement").asInt()).isEqualTo(2);
  }

  @Test
  void applyHoldsBackDestructiveChangesAsTheOperatorWouldUnderRefuseAndRequireApproval() throws Exception {
    String v1 = "CREATE TABLE legacy (id INT); CREATE TABLE users (id INT, name TEXT);";
    String v2 = "ALTER TABLE users DROP COLUMN name;\\nDROP TABLE legacy;";
    Path refuse = manifests("postgres", "127.0.0.1", 5432, "  policy: {destructive: Refuse}\n", v1, v2);
    Path approve = manifests("postgres", "127.0.0.1", 5432, "  policy: {destructive: RequireApproval}\n", v1, v2);

    Run refused = run("apply", "-f", refuse.toString(), "--embedded", "-o", "json");
    Run refusedEvenApproved = run("apply", "-f", refuse.toString(), "--embedded", "--approve-destructive");
    Run held = run("apply", "-f", approve.toString(), "--embedded");
    Run approved = run("apply", "-f", approve.toString(), "--embedded", "--approve-destructive");

    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
    JsonNode result = JSON.readTree(refused.out()).get("schemas").get(0).get("result");
    assertThat(result.get("failure").get("reason").asText()).isEqualTo("DestructiveChange");
    assertThat(result.get("failure").get("message").asText()).contains("V2__change.sql statement 1: DropColumn users.name",
        "(and 1 more: see plan)", "Nothing was applied", "Refuse");
    assertThat(refused.err()).as("nothing ran, not even V1").doesNotContain("V1__create");
    assertThat(refusedEvenApproved.exitCode()).as("Refuse is never overridden").isEqualTo(1);
    assertThat(held.exitCode()).isEqualTo(1);
    assertThat(held.out() + held.err()).contains("RequireApproval", "--approve-destructive");
    assertThat(approved.exitCode()).as(approved.err()).isZero();
    assertThat(approved.out()).contains("applied 2", "now at version 2");
  }

  @Test
  void oneTransactionForAMariaDbRunIsRefusedAsBadConfigurationBeforeConnecting() throws Exception {
    // Nothing listens on port 1: the refusal comes before any connection is tried.
    Path files = manifests("mariadb", "127.0.0.1", 1, "  transaction: All\n", "CREATE TABLE t (id INT);", "SELECT 1;");

    Run apply = run("apply", "-f", files.toString());
    Run plan = run("plan", "-f", files.toString());

    assertThat(apply.exitCode()).isEqualTo(3);
    assertThat(apply.out()).contains("spec.transaction All", "mariadb", "PerScript");
    assertThat(plan.exitCode()).isEqualTo(3);
  }

  private Path manifests(String engine, String host, int port, String extraSpec, String v1, String v2) throws IOException {
    Path files = Files.createDirectories(dir.resolve(engine + System.nanoTime()));
    Files.writeString(files.resolve("secret.yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: db-login}
        stringData: {username: app, password: app}
        """);
    Files.writeString(files.resolve("connection.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db}
        spec:
          engine: %s
          host: %s
          port: %d
          database: app
          credentials: {secretName: db-login}
          tls: {mode: disable}
        """.formatted(engine, host, port));
    Files.writeString(files.resolve("schema.yaml"), """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: s}
        spec:
        %s  connectionRef: {name: db}
          migrations:
            inline:
              - name: V1__create.sql
                sql: "%s"
              - name: V2__change.sql
                sql: "%s"
        """.formatted(extraSpec, v1, v2));
    return files;
  }

  record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SchemaOperatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }
}
