package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DatabaseSchemaSet CRD accepts the example and what the model classes build, refuses a
 * template that names a connection, a selector that would select every connection, and rollout
 * numbers out of bounds, with messages a person can act on.
 */
class SchemaSetCrdTest {
  private static final CrdValidator CRDS = CrdValidator.forProject();
  private static final String TEMPLATE = """
      template:
        migrations:
          inline: [{name: V1__t.sql, sql: CREATE TABLE t (id INT);}]
      """;
  private static final String SELECTOR = "selector: {matchLabels: {dbops.io/tenant-db: \"true\"}}\n";

  @Test
  void theTenantsExampleIsAccepted() throws Exception {
    for (JsonNode document : CrdValidator.documents(Files.readString(Path.of("..", "examples", "tenants", "set.yaml")))) {
      assertThat(CRDS.validate(document)).isEmpty();
    }
  }

  @Test
  void everyTemplateFieldOfADatabaseSchemaIsAcceptedInTheTemplate() {
    assertAccepted(set(SELECTOR + """
        template:
          schemas: [app, audit]
          migrations:
            inline: [{name: V1__t.sql, sql: CREATE TABLE t (id INT);}]
            configMapRefs: [{name: more-migrations}]
          target: "3"
          placeholders: {plan: gold}
          approval: Manual
          timeouts: {lockSeconds: 10}
          retry: {limit: 3}
          deletionPolicy: Drop
          job: {activeDeadlineSeconds: 600}
        rollout: {canary: 2, maxParallel: 50, onFailure: Continue}
        """));
  }

  @Test
  void aTemplateCannotNameAConnectionTheSetDoesThat() {
    assertRejected(set(SELECTOR + """
        template:
          connectionRef: {name: app-db}
          migrations:
            inline: [{name: V1__t.sql, sql: SELECT 1;}]
        """), "unknown field \"spec.template.connectionRef\"");
  }

  @Test
  void theTemplateKeepsTheSchemasRules() {
    assertRejected(set(SELECTOR + "template: {migrations: {inline: [{name: V1__t.sql, sql: SELECT 1;}]}, schemas: [\"bad name\"]}\n"),
        "schemas are SQL identifiers");
    assertRejected(set(SELECTOR + "template: {migrations: {}}\n"), "at least one migration source");
    assertRejected(set(SELECTOR + "template: {schemas: [app]}\n"), "migrations");
    assertRejected(set(SELECTOR), "template");
  }

  @Test
  void aSelectorThatWouldSelectEveryConnectionIsRefused() {
    assertRejected(set("selector: {}\n" + TEMPLATE), "selector must name at least one label");
    assertRejected(set("selector: {matchLabels: {}, matchExpressions: []}\n" + TEMPLATE), "selector must name at least one label");
    assertRejected(set(TEMPLATE), "selector");
  }

  @Test
  void selectorLabelsAndExpressionsMustBeWhatKubernetesAllows() {
    assertAccepted(set("""
        selector:
          matchLabels: {dbops.io/tenant-db: "true", tier: gold}
          matchExpressions:
            - {key: region, operator: In, values: [eu, us]}
            - {key: example.com/legacy, operator: DoesNotExist}
        """ + TEMPLATE));
    assertRejected(set("selector: {matchLabels: {\"bad key!\": x}}\n" + TEMPLATE), "matchLabels keys are label keys");
    assertRejected(set("selector: {matchLabels: {tier: \"" + "v".repeat(64) + "\"}}\n" + TEMPLATE), "matchLabels", "63");
    assertRejected(set("selector: {matchExpressions: [{key: tier, operator: In}]}\n" + TEMPLATE), "In and NotIn need values");
    assertRejected(set("selector: {matchExpressions: [{key: tier, operator: Exists, values: [x]}]}\n" + TEMPLATE),
        "Exists and DoesNotExist take none");
    assertRejected(set("selector: {matchExpressions: [{key: tier, operator: Like, values: [x]}]}\n" + TEMPLATE), "operator", "enum");
  }

  @Test
  void rolloutNumbersAreBounded() {
    assertRejected(set(SELECTOR + TEMPLATE + "rollout: {canary: -1}\n"), "canary");
    assertRejected(set(SELECTOR + TEMPLATE + "rollout: {canary: 1001}\n"), "canary");
    assertRejected(set(SELECTOR + TEMPLATE + "rollout: {maxParallel: 0}\n"), "maxParallel");
    assertRejected(set(SELECTOR + TEMPLATE + "rollout: {maxParallel: 10001}\n"), "maxParallel");
    assertRejected(set(SELECTOR + TEMPLATE + "rollout: {onFailure: Retry}\n"), "onFailure", "enum");
    assertAccepted(set(SELECTOR + TEMPLATE + "rollout: {canary: 0, maxParallel: 10000}\n"));
  }

  @Test
  void printerColumnsShortNameAndDefaults() {
    JsonNode crd = CRDS.crd("DatabaseSchemaSet");
    List<String> columns = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText() + " " + c.path("jsonPath").asText()));
    assertThat(columns).contains("Ready .status.readyTargets", "Failed .status.targets.failed",
        "Reason .status.conditions[?(@.type==\"Ready\")].reason", "Age .metadata.creationTimestamp");
    assertThat(crd.at("/spec/names/shortNames").toString()).contains("\"dbschemaset\"");
    JsonNode rollout = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/rollout/properties");
    assertThat(rollout.at("/canary/default").asInt()).isEqualTo(SchemaSetDefaults.CANARY);
    assertThat(rollout.at("/maxParallel/default").asInt()).isEqualTo(SchemaSetDefaults.MAX_PARALLEL);
    assertThat(rollout.at("/onFailure/default").asText()).isEqualTo(OnFailure.Stop.name());
  }

  @Test
  void aSetBuiltWithTheModelClassesIsAccepted() {
    SchemaTemplate template = new SchemaTemplate();
    Migrations migrations = new Migrations();
    migrations.setConfigMapRefs(List.of(new ConfigMapRef("tenant-migrations")));
    template.setMigrations(migrations);
    DatabaseSchemaSetSpec spec = new DatabaseSchemaSetSpec();
    spec.setSelector(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true")));
    spec.setTemplate(template);
    DatabaseSchemaSet set = new DatabaseSchemaSet();
    set.setMetadata(new ObjectMetaBuilder().withName("tenants").build());
    set.setSpec(spec);

    assertThat(CRDS.validate(set)).isEmpty();
  }

  private static String set(String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchemaSet
        metadata: {name: tenants, namespace: saas}
        spec:
        %s""".formatted(spec.indent(2));
  }

  private static void assertAccepted(String document) {
    assertThat(CRDS.validate(document)).as("violations of%n%s", document).isEmpty();
  }

  private static void assertRejected(String document, String... wordsOfOneMessage) {
    assertThat(CRDS.validate(document)).as("violations of%n%s", document)
        .anySatisfy(message -> assertThat(message).contains(wordsOfOneMessage));
  }
}
