package io.dbops.schemaoperator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A set's children take over the labels the operator's LABEL_SELECTOR names, whatever form its terms take. */
class OperatorSettingsLabelKeysTest {

  @Test
  void everyFormOfSelectorTermNamesItsKey() {
    OperatorSettings settings = OperatorSettings.from(Map.of("OPERATOR_IMAGE", "img",
        "LABEL_SELECTOR", "shard=blue, team==billing,env in (prod, staging),!legacy,tier notin (free),region!=eu,owned"));

    assertThat(settings.labelSelectorKeys()).containsExactlyInAnyOrder("shard", "team", "env", "legacy", "tier", "region", "owned");
  }

  @Test
  void noSelectorNoKeys() {
    assertThat(OperatorSettings.from(Map.of("OPERATOR_IMAGE", "img")).labelSelectorKeys()).isEmpty();
  }
}
