package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.DeletionPolicy;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.JobSettings;
import io.dbops.schemaoperator.model.Retry;
import io.dbops.schemaoperator.model.Rollout;
import io.dbops.schemaoperator.model.SchemaTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A DatabaseSchemaSet's child for one tenant is an ordinary DatabaseSchema made from the template:
 * named for the set and the connection, in the set's namespace, controlled by the set, and saying
 * which template revision it was made from. No API server: the builder is a function.
 */
class SchemaSetChildBuilderTest {
  private static final Path TENANTS = Path.of("..", "examples", "tenants");
  private static final String SET_UID = "5be1a7c0-2222-4a2b-9c3d-000000000002";

  @Test
  void the_example_sets_child_for_acme_is_an_ordinary_schema_named_for_set_and_tenant_and_owned_by_the_set() {
    DatabaseSchemaSet set = exampleSet();
    String hash = TemplateHash.of(set.getSpec().getTemplate());

    DatabaseSchema child = SchemaSetChildBuilder.build(set, "acme", hash, Set.of());

    assertThat(child.getMetadata().getName()).isEqualTo("tenants-acme");
    assertThat(child.getMetadata().getNamespace()).isEqualTo(Fixtures.NAMESPACE);
    assertThat(child.getMetadata().getLabels()).containsExactly(
        Map.entry("app.kubernetes.io/managed-by", "schema-operator"),
        Map.entry("app.kubernetes.io/name", "schema-operator"),
        Map.entry("dbops.io/schema-set", "tenants"),
        Map.entry("dbops.io/connection", "acme"));
    assertThat(child.getMetadata().getAnnotations()).containsExactly(Map.entry("dbops.io/template-hash", hash));
    assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("DatabaseSchemaSet");
      assertThat(owner.getApiVersion()).isEqualTo("dbops.io/v1alpha1");
      assertThat(owner.getName()).isEqualTo("tenants");
      assertThat(owner.getUid()).isEqualTo(SET_UID);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    });
    assertThat(child.getSpec().getConnectionRef().getName()).isEqualTo("acme");
    assertThat(child.getSpec().getSchemas()).containsExactly("app");
    assertThat(child.getSpec().getMigrations().getInline()).extracting(InlineMigration::getName)
        .containsExactly("V1__create_accounts.sql", "V2__create_invoices.sql");
  }

  @Test
  void every_template_field_reaches_the_child_unchanged_and_only_connection_ref_is_added() {
    SchemaTemplate template = exampleSet().getSpec().getTemplate();
    template.setTarget("2");
    template.setPlaceholders(Map.of("tenant_plan", "gold"));
    template.setApproval(Approval.Manual);
    template.setDeletionPolicy(DeletionPolicy.Drop);
    Retry retry = new Retry();
    retry.setLimit(3);
    template.setRetry(retry);
    JobSettings job = new JobSettings();
    job.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("256Mi")).build());
    job.setTolerations(List.of(new TolerationBuilder().withKey("tenant-jobs").withOperator("Exists").build()));
    template.setJob(job);

    DatabaseSchemaSpec spec = SchemaSetChildBuilder.spec(template, "globex");

    ObjectNode expected = (ObjectNode) Fixtures.SERIALIZATION.convertValue(template, JsonNode.class);
    expected.set("connectionRef", Fixtures.SERIALIZATION.convertValue(Map.of("name", "globex"), JsonNode.class));
    assertThat(Fixtures.SERIALIZATION.convertValue(spec, JsonNode.class)).isEqualTo(expected);
  }

  @Test
  void two_children_share_nothing_so_that_changing_one_leaves_the_other_and_the_template_alone() {
    DatabaseSchemaSet set = exampleSet();
    DatabaseSchema acme = SchemaSetChildBuilder.build(set, "acme", "h", Set.of());
    DatabaseSchema globex = SchemaSetChildBuilder.build(set, "globex", "h", Set.of());

    acme.getSpec().getMigrations().getInline().get(0).setSql("DROP TABLE accounts;");
    acme.getSpec().getSchemas().add("other");

    assertThat(globex.getSpec().getMigrations().getInline().get(0).getSql()).startsWith("CREATE TABLE accounts");
    assertThat(set.getSpec().getTemplate().getMigrations().getInline().get(0).getSql()).startsWith("CREATE TABLE accounts");
    assertThat(set.getSpec().getTemplate().getSchemas()).containsExactly("app");
  }

  @Test
  void a_name_past_63_characters_is_shortened_with_a_hash_and_two_long_tenants_never_meet() {
    String longTenant = "customer-" + "x".repeat(80);

    String first = SchemaSetChildBuilder.childName("tenants", longTenant + "-first");
    String second = SchemaSetChildBuilder.childName("tenants", longTenant + "-second");

    assertThat(first).hasSizeLessThanOrEqualTo(63).matches(KubeNames.DNS_SUBDOMAIN).startsWith("tenants-customer-xxx")
        .isNotEqualTo(second);
    assertThat(second).hasSizeLessThanOrEqualTo(63).matches(KubeNames.DNS_SUBDOMAIN);
    assertThat(SchemaSetChildBuilder.childName("tenants", "acme")).isEqualTo("tenants-acme");
    assertThat(SchemaSetChildBuilder.childName("s".repeat(30), "t".repeat(32))).as("exactly 63 stays as it is")
        .isEqualTo("s".repeat(30) + "-" + "t".repeat(32));
  }

  @Test
  void a_long_set_name_is_cut_to_a_label_value_in_the_set_label() {
    DatabaseSchemaSet set = exampleSet();
    set.getMetadata().setName("tenant-schemas-" + "y".repeat(100));

    DatabaseSchema child = SchemaSetChildBuilder.build(set, "acme", "h", Set.of());

    assertThat(child.getMetadata().getLabels().get(Labels.SCHEMA_SET)).hasSizeLessThanOrEqualTo(63)
        .matches(KubeNames.LABEL_VALUE).isEqualTo(Labels.value(set.getMetadata().getName()));
  }

  @Test
  void the_child_takes_over_only_the_set_labels_the_operators_own_selector_names() {
    DatabaseSchemaSet set = exampleSet();
    set.getMetadata().setLabels(Map.of("shard", "blue", "app.kubernetes.io/instance", "argo-app", "team", "billing"));

    DatabaseSchema child = SchemaSetChildBuilder.build(set, "acme", "h", Set.of("shard", "absent"));

    assertThat(child.getMetadata().getLabels()).containsEntry("shard", "blue")
        .doesNotContainKeys("app.kubernetes.io/instance", "team", "absent");
  }

  @Test
  void the_template_hash_names_the_template_and_nothing_else() {
    DatabaseSchemaSet set = exampleSet();
    String hash = TemplateHash.of(set.getSpec().getTemplate());

    DatabaseSchemaSet sameTemplateOtherRollout = exampleSet();
    Rollout rollout = new Rollout();
    rollout.setMaxParallel(500);
    sameTemplateOtherRollout.getSpec().setRollout(rollout);
    sameTemplateOtherRollout.getSpec().getSelector().getMatchLabels().put("tier", "gold");
    DatabaseSchemaSet otherScript = exampleSet();
    otherScript.getSpec().getTemplate().getMigrations().getInline().add(Fixtures.script("V3__add_plan.sql", "ALTER TABLE accounts ADD plan TEXT;"));

    assertThat(hash).hasSize(16).matches("[0-9a-f]{16}");
    assertThat(TemplateHash.of(exampleSet().getSpec().getTemplate())).as("the same template read again").isEqualTo(hash);
    assertThat(TemplateHash.of(sameTemplateOtherRollout.getSpec().getTemplate())).isEqualTo(hash);
    assertThat(TemplateHash.of(otherScript.getSpec().getTemplate())).isNotEqualTo(hash);
  }

  @Test
  void placeholders_in_another_order_are_the_same_template() {
    SchemaTemplate a = exampleSet().getSpec().getTemplate();
    a.setPlaceholders(new java.util.LinkedHashMap<>(Map.of()));
    a.getPlaceholders().put("x", "1");
    a.getPlaceholders().put("y", "2");
    SchemaTemplate b = exampleSet().getSpec().getTemplate();
    b.setPlaceholders(new java.util.LinkedHashMap<>(Map.of()));
    b.getPlaceholders().put("y", "2");
    b.getPlaceholders().put("x", "1");

    assertThat(TemplateHash.of(a)).isEqualTo(TemplateHash.of(b));
  }

  static DatabaseSchemaSet exampleSet() {
    DatabaseSchemaSet set = Fixtures.SERIALIZATION.unmarshal(read(TENANTS.resolve("set.yaml")), DatabaseSchemaSet.class);
    set.getMetadata().setNamespace(Fixtures.NAMESPACE);
    set.getMetadata().setUid(SET_UID);
    return set;
  }

  private static String read(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
