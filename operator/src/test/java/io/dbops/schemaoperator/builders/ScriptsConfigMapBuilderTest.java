package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Inline scripts reach their Job as files of an owned, immutable ConfigMap named by their content. */
class ScriptsConfigMapBuilderTest {

  @Test
  void the_quickstart_scripts_travel_in_one_immutable_configmap_owned_by_the_schema() {
    DatabaseSchema schema = Fixtures.schema();

    ConfigMap cm = ScriptsConfigMapBuilder.build(schema).orElseThrow();

    assertThat(cm.getMetadata().getName()).matches("app-schema-scripts-[0-9a-f]{10}");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(cm.getImmutable()).isTrue();
    assertThat(cm.getData()).containsOnlyKeys(
        "V1__create_users.sql", "V2__index_users_email.sql", "V3__create_orders.sql", "R__active_users_view.sql");
    assertThat(cm.getData().get("V2__index_users_email.sql"))
        .isEqualTo("CREATE UNIQUE INDEX users_email_idx ON users (lower(email));\n");
    assertThat(cm.getMetadata().getLabels()).isEqualTo(Labels.forSchema(schema, "schema-operator-scripts"));
    assertThat(cm.getMetadata().getOwnerReferences()).singleElement().satisfies(ScriptsConfigMapBuilderTest::isTheSchema);
  }

  @Test
  void inline_scripts_beyond_what_a_configmap_holds_are_refused_with_where_to_put_them() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getSpec().getMigrations().getInline().add(Fixtures.script("V9__seed.sql", "INSERT INTO t VALUES (1);\n".repeat(45_000)));

    assertThatThrownBy(() -> ScriptsConfigMapBuilder.build(schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes of SQL").hasMessageContaining("configMapRefs").hasMessageContaining("image");
  }

  @Test
  void a_schema_without_inline_scripts_needs_no_configmap() {
    assertThat(ScriptsConfigMapBuilder.build(Fixtures.schemaWithoutInline())).isEmpty();
  }

  @Test
  void changed_scripts_get_a_new_configmap_while_a_running_job_keeps_reading_the_old_one() {
    DatabaseSchema before = Fixtures.schema();
    DatabaseSchema after = Fixtures.schema();
    after.getSpec().getMigrations().getInline().add(Fixtures.script("V4__add_orders_note.sql", "ALTER TABLE orders ADD note TEXT;"));

    assertThat(name(after)).isNotEqualTo(name(before));
  }

  @Test
  void the_same_scripts_listed_in_another_order_keep_their_configmap() {
    DatabaseSchema reordered = Fixtures.schema();
    Collections.reverse(reordered.getSpec().getMigrations().getInline());

    assertThat(name(reordered)).isEqualTo(name(Fixtures.schema()));
    assertThat(name(Fixtures.schema())).as("stable from one reconcile to the next").isEqualTo(name(Fixtures.schema()));
  }

  @Test
  void the_longest_schema_name_still_gives_a_valid_configmap_name_distinct_from_its_neighbours() {
    String common = "orders." + "a".repeat(240);
    DatabaseSchema first = Fixtures.schema();
    first.getMetadata().setName(common + "-1");
    DatabaseSchema second = Fixtures.schema();
    second.getMetadata().setName(common + "-2");

    assertThat(first.getMetadata().getName()).hasSize(249);
    assertThat(name(first)).hasSizeLessThanOrEqualTo(253).matches(KubeNames.DNS_SUBDOMAIN).contains("-scripts-");
    assertThat(name(second)).hasSizeLessThanOrEqualTo(253).matches(KubeNames.DNS_SUBDOMAIN);
    assertThat(name(first)).isNotEqualTo(name(second));
  }

  @Test
  void a_name_cut_right_after_a_dot_is_still_a_valid_name() {
    DatabaseSchema schema = Fixtures.schema();
    // Fitting 253 keeps the first 228 characters, and the 228th is this dot.
    schema.getMetadata().setName("b".repeat(227) + "." + "c".repeat(25));

    assertThat(name(schema)).hasSizeLessThanOrEqualTo(253).matches(KubeNames.DNS_SUBDOMAIN);
  }

  @Test
  void two_scripts_with_one_name_are_refused_rather_than_one_silently_dropped() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getSpec().getMigrations().getInline().add(Fixtures.script("V1__create_users.sql", "CREATE TABLE people (id INT);"));

    assertThatThrownBy(() -> ScriptsConfigMapBuilder.build(schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("V1__create_users.sql");
  }

  private static String name(DatabaseSchema schema) {
    return ScriptsConfigMapBuilder.build(schema).orElseThrow().getMetadata().getName();
  }

  static void isTheSchema(OwnerReference owner) {
    assertThat(owner.getApiVersion()).isEqualTo("dbops.io/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("DatabaseSchema");
    assertThat(owner.getName()).isEqualTo("app-schema");
    assertThat(owner.getUid()).isEqualTo(Fixtures.SCHEMA_UID);
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();
  }
}
