package io.dbops.schemaoperator.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules, checked by Prometheus's own promtool: that Prometheus loads them, and that
 * each fires for the series it is meant for and stays quiet for the ones it is not
 * (src/test/resources/alerts/prometheus-rules.test.yaml). Without promtool this test fails: a rules
 * file nobody has loaded is the kind that pages nobody.
 */
class AlertRulesTest {
  static final Path RULES = Path.of("..", "helm", "schema-operator", "files", "prometheus-rules.yaml");
  private static final Path UNIT_TESTS = Path.of("src", "test", "resources", "alerts", "prometheus-rules.test.yaml");

  @Test
  void prometheusLoadsTheRules() throws Exception {
    Promtool.Result check = Promtool.run(Path.of("."), "check", "rules", RULES.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 8 rules found");
  }

  @Test
  void eachAlertFiresForItsCaseAndNotForTheOthers() throws Exception {
    Promtool.Result test = Promtool.run(UNIT_TESTS.getParent(), "test", "rules", UNIT_TESTS.getFileName().toString());
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertIsUnitTestedAndHasARunbookInTheReadme() throws IOException {
    String rules = Files.readString(RULES);
    String tests = Files.readString(UNIT_TESTS);
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> alerts = new ArrayList<>();
    Matcher alert = Pattern.compile("(?m)^\\s+- alert: (\\w+)$").matcher(rules);
    while (alert.find()) {
      alerts.add(alert.group(1));
    }
    assertThat(alerts).hasSize(8);
    for (String name : alerts) {
      assertThat(tests).as("unit test for %s", name).contains("alertname: " + name);
      assertThat(rules).as("runbook link of %s", name).contains("README.md#" + name.toLowerCase());
      assertThat(readme).as("runbook section for %s", name).containsPattern("(?m)^#+ " + name + "$");
    }
  }
}
