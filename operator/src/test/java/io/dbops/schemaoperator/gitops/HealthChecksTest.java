package io.dbops.schemaoperator.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbops.schemaoperator.testing.ArgoHealth;
import io.dbops.schemaoperator.testing.ArgoHealth.Health;
import io.dbops.schemaoperator.testing.StatusTrail;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health checks, branch by branch, on small resources as the operator writes them; and
 * the kstatus checker the scenario tests run over every real status catches what it should.
 */
class HealthChecksTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void aSchemaThatIsUpToDateIsHealthy() {
    assertThat(schema(3, 3, "Ready=True/UpToDate/at version 4")).isEqualTo(new Health("Healthy", "at version 4"));
  }

  @Test
  void aSpecTheOperatorHasNotReadYetIsProgressingWhateverTheOldStatusSays() {
    assertThat(schema(4, 3, "Ready=True/UpToDate/at version 4").status()).isEqualTo("Progressing");
    assertThat(ArgoHealth.of("DatabaseSchema", json("{metadata: {generation: 1}}")).status()).isEqualTo("Progressing");
  }

  @Test
  void aRunningMigrationIsProgressing() {
    assertThat(schema(3, 3, "Ready=False/MigrationRunning/Job app-9f2c1a-1 applies 2 scripts",
        "Reconciling=True/MigrationRunning/Job app-9f2c1a-1 applies 2 scripts"))
        .isEqualTo(new Health("Progressing", "Job app-9f2c1a-1 applies 2 scripts"));
  }

  @Test
  void aStalledSchemaIsDegradedWithTheMessageThatSaysWhatToDo() {
    assertThat(schema(3, 3, "Ready=False/MigrationFailed/V5 failed", "Stalled=True/MigrationFailed/V5__x.sql: syntax error. Fix the script"))
        .isEqualTo(new Health("Degraded", "V5__x.sql: syntax error. Fix the script"));
  }

  @Test
  void aPlanWaitingForApprovalIsSuspended() {
    assertThat(schema(3, 3, "Ready=False/ApprovalPending/2 scripts wait", "ApprovalPending=True/ApprovalPending/approve plan 1ab3"))
        .isEqualTo(new Health("Suspended", "approve plan 1ab3"));
  }

  @Test
  void aDriftedDatabaseIsDegradedEvenThoughItsVersionIsCurrent() {
    assertThat(schema(3, 3, "Ready=True/UpToDate/at version 4", "Drifted=True/ChecksumMismatch/V2 was edited after it was applied").status())
        .isEqualTo("Degraded");
  }

  @Test
  void connectionsAreHealthyConnectingOrDegraded() {
    assertThat(ArgoHealth.of("DatabaseConnection", resource("DatabaseConnection", 1, 1, "Ready=True/Connected/PostgreSQL 16.4")).status())
        .isEqualTo("Healthy");
    assertThat(ArgoHealth.of("DatabaseConnection", resource("DatabaseConnection", 1, 1,
        "Ready=False/AuthenticationFailed/login refused: check the Secret")).status()).isEqualTo("Degraded");
    assertThat(ArgoHealth.of("DatabaseConnection", resource("DatabaseConnection", 1, 1,
        "Ready=False/Unreachable/no answer", "Reconciling=True/Unreachable/retrying in 15 s")).status()).isEqualTo("Progressing");
  }

  @Test
  void aSetRolledOutToEveryTenantIsHealthy() {
    assertThat(set(2, 2, "Ready=True/RolledOut/all 3 target(s) Ready at template 5be1", "Reconciling=False/RolledOut/",
        "Stalled=False/RolledOut/")).isEqualTo(new Health("Healthy", "all 3 target(s) Ready at template 5be1"));
    assertThat(set(2, 2, "Ready=True/NoTargets/no DatabaseConnection matches").status()).isEqualTo("Healthy");
  }

  @Test
  void aSetRollingOutOrNotYetObservedIsProgressing() {
    assertThat(set(2, 2, "Ready=False/RollingOut/1 of 3 updated", "Reconciling=True/RollingOut/1 of 3 updated"))
        .isEqualTo(new Health("Progressing", "1 of 3 updated"));
    assertThat(set(3, 2, "Ready=True/RolledOut/all 3 Ready").status()).isEqualTo("Progressing");
  }

  @Test
  void aStoppedRolloutIsDegradedWithTheMessageThatSaysWhichTenantFailed() {
    assertThat(set(2, 2, "Ready=False/RolloutStopped/stopped", "Reconciling=False/RolloutStopped/",
        "Stalled=True/RolloutStopped/tenants-acme failed: set dbops.io/retry"))
        .isEqualTo(new Health("Degraded", "tenants-acme failed: set dbops.io/retry"));
    assertThat(set(2, 2, "Ready=False/TargetsFailed/1 of 3 failed", "Stalled=True/TargetsFailed/1 of 3 failed").status())
        .isEqualTo("Degraded");
  }

  @Test
  void aSetWaitingOnlyForApprovalIsSuspendedButOneStillMovingIsProgressing() {
    assertThat(set(2, 2, "Ready=False/ApprovalPending/approve", "Reconciling=False/ApprovalPending/",
        "ApprovalPending=True/ApprovalRequired/annotate with dbops.io/approve=5be1"))
        .isEqualTo(new Health("Suspended", "annotate with dbops.io/approve=5be1"));
    assertThat(set(2, 2, "Ready=False/RollingOut/2 of 3", "Reconciling=True/RollingOut/2 of 3",
        "ApprovalPending=True/ApprovalRequired/annotate").status()).isEqualTo("Progressing");
  }

  @Test
  void theArgoCdSnippetCarriesExactlyTheShippedScripts() throws IOException {
    JsonNode snippet = YAML.readTree(ArgoHealth.SCRIPTS.resolve("argocd-cm.yaml").toFile());
    assertThat(snippet.at("/data/resource.customizations.health.dbops.io_DatabaseSchema").asText())
        .isEqualTo(ArgoHealth.script("DatabaseSchema"));
    assertThat(snippet.at("/data/resource.customizations.health.dbops.io_DatabaseConnection").asText())
        .isEqualTo(ArgoHealth.script("DatabaseConnection"));
    assertThat(snippet.at("/data/resource.customizations.health.dbops.io_DatabaseSchemaSet").asText())
        .isEqualTo(ArgoHealth.script("DatabaseSchemaSet"));
    assertThat(Files.readString(java.nio.file.Path.of("..", "README.md"))).contains("files/argocd/argocd-cm.yaml");
  }

  @Test
  void theTrailCheckCatchesStatusesThatWouldMisleadFluxOrArgo() {
    assertThat(StatusTrail.check(typed(3, 3, "Ready=True/UpToDate/at version 4"))).isEmpty();
    assertThat(StatusTrail.check(typed(3, 3, "Ready=True/UpToDate/at version 4", "Reconciling=True/MigrationRunning/Job runs")))
        .anySatisfy(p -> assertThat(p).contains("Ready and Reconciling both True"));
    assertThat(StatusTrail.check(typed(3, 3, "Ready=False/Waiting/for nothing", "Stalled=True/Waiting/for nothing")))
        .anySatisfy(p -> assertThat(p).contains("not one a person must act on"));
    assertThat(StatusTrail.check(typed(3, 3, "Ready=False/not camel/x"))).anySatisfy(p -> assertThat(p).contains("not CamelCase"));
    assertThat(StatusTrail.check(typed(3, 3, "Stalled=True/MigrationFailed/"))).anySatisfy(p -> assertThat(p).contains("without a message"));
    assertThat(StatusTrail.check(typed(3, 4, "Ready=True/UpToDate/at version 4")))
        .anySatisfy(p -> assertThat(p).contains("ahead of generation"));
  }

  private static Health set(long generation, long observed, String... conditions) {
    return ArgoHealth.of("DatabaseSchemaSet", resource("DatabaseSchemaSet", generation, observed, conditions));
  }

  private static Health schema(long generation, long observed, String... conditions) {
    return ArgoHealth.of("DatabaseSchema", resource("DatabaseSchema", generation, observed, conditions));
  }

  private static DatabaseSchema typed(long generation, long observed, String... conditions) {
    return new KubernetesSerialization().convertValue(resource("DatabaseSchema", generation, observed, conditions), DatabaseSchema.class);
  }

  /** A resource with conditions written as "Type=Status/Reason/message". */
  private static JsonNode resource(String kind, long generation, long observed, String... conditions) {
    StringBuilder list = new StringBuilder();
    for (String c : conditions) {
      String[] typeAndRest = c.split("=", 2);
      String[] parts = typeAndRest[1].split("/", 3);
      list.append(String.format("{type: %s, status: \"%s\", reason: \"%s\", message: \"%s\", observedGeneration: %d},",
          typeAndRest[0], parts[0], parts[1], parts[2], observed));
    }
    return json(String.format("{apiVersion: dbops.io/v1alpha1, kind: %s, metadata: {name: x, namespace: y, generation: %d},"
        + " status: {observedGeneration: %d, conditions: [%s]}}", kind, generation, observed, list));
  }

  private static JsonNode json(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
