package io.dbops.schemaoperator.controller.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.ConnectionSelector;
import io.dbops.schemaoperator.model.SelectorOperator;
import io.dbops.schemaoperator.model.SelectorRequirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A set selects connections with Kubernetes' label selector rules, and never with an empty selector. */
class LabelSelectionTest {
  private static final Map<String, String> TENANT = Map.of("dbops.io/tenant-db", "true", "tier", "gold");

  @Test
  void everyMatchLabelsPairMustBePresentWithItsValue() {
    assertThat(LabelSelection.matches(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true")), TENANT)).isTrue();
    assertThat(LabelSelection.matches(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true", "tier", "gold")), TENANT)).isTrue();
    assertThat(LabelSelection.matches(new ConnectionSelector(Map.of("dbops.io/tenant-db", "false")), TENANT)).isFalse();
    assertThat(LabelSelection.matches(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true")), Map.of())).isFalse();
    assertThat(LabelSelection.matches(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true")), null)).isFalse();
  }

  @Test
  void expressionsFollowKubernetesIncludingNotInForAMissingLabel() {
    assertThat(matches(req("tier", SelectorOperator.In, "gold", "silver"), TENANT)).isTrue();
    assertThat(matches(req("tier", SelectorOperator.In, "silver"), TENANT)).isFalse();
    assertThat(matches(req("tier", SelectorOperator.NotIn, "silver"), TENANT)).isTrue();
    assertThat(matches(req("tier", SelectorOperator.NotIn, "gold"), TENANT)).isFalse();
    assertThat(matches(req("region", SelectorOperator.NotIn, "eu"), TENANT)).as("no label satisfies NotIn").isTrue();
    assertThat(matches(req("tier", SelectorOperator.Exists), TENANT)).isTrue();
    assertThat(matches(req("region", SelectorOperator.Exists), TENANT)).isFalse();
    assertThat(matches(req("region", SelectorOperator.DoesNotExist), TENANT)).isTrue();
    assertThat(matches(req("tier", SelectorOperator.DoesNotExist), TENANT)).isFalse();
  }

  @Test
  void labelsAndExpressionsMustAllHold() {
    ConnectionSelector selector = new ConnectionSelector(Map.of("dbops.io/tenant-db", "true"));
    selector.setMatchExpressions(List.of(req("tier", SelectorOperator.In, "silver")));

    assertThat(LabelSelection.matches(selector, TENANT)).isFalse();
  }

  @Test
  void anEmptySelectorSelectsNothingRatherThanEveryConnection() {
    assertThat(LabelSelection.matches(new ConnectionSelector(), TENANT)).isFalse();
    assertThat(LabelSelection.matches(null, TENANT)).isFalse();
    ConnectionSelector nulls = new ConnectionSelector();
    nulls.setMatchLabels(null);
    nulls.setMatchExpressions(null);
    assertThat(LabelSelection.matches(nulls, TENANT)).isFalse();
  }

  private static boolean matches(SelectorRequirement requirement, Map<String, String> labels) {
    ConnectionSelector selector = new ConnectionSelector();
    selector.setMatchExpressions(List.of(requirement));
    return LabelSelection.matches(selector, labels);
  }

  private static SelectorRequirement req(String key, SelectorOperator operator, String... values) {
    return new SelectorRequirement(key, operator, List.of(values));
  }
}
