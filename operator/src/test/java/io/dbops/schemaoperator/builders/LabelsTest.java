package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Everything the operator creates can be found by who made it, for which schema and connection. */
class LabelsTest {

  @Test
  void a_schemas_objects_say_who_manages_them_what_they_are_and_whose_they_are() {
    Map<String, String> labels = Labels.forSchema(Fixtures.schema(), Labels.MIGRATION_APP);

    assertThat(labels).containsExactly(
        Map.entry("app.kubernetes.io/managed-by", "schema-operator"),
        Map.entry("app.kubernetes.io/name", "schema-operator-migration"),
        Map.entry("dbops.io/schema", "app-schema"),
        Map.entry("dbops.io/connection", "app-db"));
  }

  @Test
  void a_name_longer_than_a_label_value_may_be_is_shortened_but_two_such_names_stay_apart() {
    String common = "x".repeat(100);
    DatabaseSchema first = Fixtures.schema();
    first.getMetadata().setName(common + "-first");
    DatabaseSchema second = Fixtures.schema();
    second.getMetadata().setName(common + "-second");

    String a = Labels.forSchema(first, Labels.MIGRATION_APP).get(Labels.SCHEMA);
    String b = Labels.forSchema(second, Labels.MIGRATION_APP).get(Labels.SCHEMA);

    assertThat(a).hasSizeLessThanOrEqualTo(63).matches(KubeNames.LABEL_VALUE).isNotEqualTo(b);
    assertThat(b).hasSizeLessThanOrEqualTo(63).matches(KubeNames.LABEL_VALUE);
    assertThat(Labels.value(common + "-first")).as("a selector built with Labels.value matches").isEqualTo(a);
  }

  @Test
  void a_name_that_fits_is_its_own_label_value() {
    String name = "s".repeat(63);
    assertThat(Labels.value(name)).isEqualTo(name);
  }

  @Test
  void the_desired_hash_label_holds_what_fits_and_the_annotation_holds_the_whole_hash() {
    String hash = "0123456789abcdef".repeat(4);

    assertThat(Labels.hashLabelValue(hash)).hasSize(63).isEqualTo(hash.substring(0, 63));
    assertThat(Labels.desiredHashOf(new ConfigMapBuilder().withNewMetadata()
        .addToAnnotations(Labels.DESIRED_HASH, hash).endMetadata().build())).contains(hash);
    assertThat(Labels.desiredHashOf(new ConfigMapBuilder().withNewMetadata().endMetadata().build())).isEmpty();
  }
}
