package io.dbops.schemaoperator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbops.schemaoperator.dashboard.GrafanaDashboard.Query;
import io.dbops.schemaoperator.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as Grafana and Prometheus will take it: every query parses as PromQL (promtool,
 * after Grafana's variables are filled in), every variable is used, every panel asks the chosen
 * data source, and the layout is the one the README lists. That each metric it names is really
 * served is checked against a live /metrics in MetricsScenariosTest.
 */
class GrafanaDashboardTest {
  private static final GrafanaDashboard DASHBOARD = GrafanaDashboard.read();
  private static final List<String> ROWS = List.of("Schemas", "Migration runs", "Connections", "Operator");

  @TempDir Path dir;

  @Test
  void everyQueryIsPromqlThatPrometheusParses() throws Exception {
    List<Query> queries = DASHBOARD.queries();
    StringBuilder rules = new StringBuilder("# Each dashboard query as a recording rule, so that promtool parses it.\ngroups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: dashboard_query_").append(i).append("\n        # ").append(queries.get(i).where())
          .append("\n        expr: ").append(yamlString(GrafanaDashboard.substituted(queries.get(i).expr()))).append('\n');
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yaml"), rules);

    Promtool.Result check = Promtool.run(dir, "check", "rules", file.toString());

    assertThat(queries).hasSizeGreaterThan(30);
    assertThat(check.exitCode()).as("%s%n%s", check.output(), rules).isZero();
    assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void aQueryThatIsNotPromqlIsCaught() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.yaml"), """
        groups:
          - name: dashboard
            rules:
              - record: dashboard_query_0
                expr: %s
        """.formatted(yamlString(GrafanaDashboard.substituted("sum by (namespace (dbops_schema_ready{namespace=~\"$namespace\"})"))));

    assertThat(Promtool.run(dir, "check", "rules", file.toString()).exitCode()).isNotZero();
  }

  @Test
  void everyVariableIsUsedByAPanelAndEveryPanelAsksTheChosenDataSource() {
    Set<String> declared = new TreeSet<>();
    DASHBOARD.variables().forEach(v -> declared.add(v.path("name").asText()));
    assertThat(declared).containsExactlyInAnyOrder("datasource", "job", "namespace", "name");

    Set<String> usedByPanels = new TreeSet<>();
    for (JsonNode panel : DASHBOARD.panels()) {
      usedByPanels.addAll(GrafanaDashboard.variablesIn(panel.toString()));
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText()).as("data source of panel %s", panel.path("title")).isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as("queries of panel %s", panel.path("title")).isNotEmpty().allSatisfy(t -> {
        assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(t.path("expr").asText()).isNotBlank();
      });
    }
    usedByPanels.removeIf(n -> n.startsWith("__"));
    assertThat(usedByPanels).as("variables the panels use").isEqualTo(declared);
    for (JsonNode variable : DASHBOARD.variables()) {
      if (variable.path("type").asText().equals("query")) {
        assertThat(variable.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void schemaAndConnectionPanelsFollowTheSelectionAndOperatorPanelsTheJob() {
    String row = "";
    for (JsonNode panel : DASHBOARD.json().path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        row = panel.path("title").asText();
        continue;
      }
      for (JsonNode target : panel.path("targets")) {
        Set<String> used = GrafanaDashboard.variablesIn(target.path("expr").asText());
        if (row.equals("Operator")) {
          assertThat(used).as("panel %s", panel.path("title")).contains("job");
        } else {
          assertThat(used).as("panel %s", panel.path("title")).contains("namespace", "name");
        }
      }
    }
  }

  @Test
  void theLayoutIsFourRowsOfPanelsThatDoNotOverlap() {
    JsonNode json = DASHBOARD.json();
    assertThat(json.path("schemaVersion").asInt()).isEqualTo(41);
    assertThat(json.path("uid").asText()).isEqualTo("schema-operator");
    assertThat(json.path("id").isNull()).as("no database id: the sidecar imports it anew").isTrue();
    List<String> rows = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    for (JsonNode panel : DASHBOARD.panels()) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
      if (panel.path("type").asText().equals("row")) {
        rows.add(panel.path("title").asText());
      }
      assertThat(panel.path("title").asText()).isNotBlank();
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("description").asText()).as("description of %s", panel.path("title")).isNotBlank();
      }
      JsonNode g = panel.path("gridPos");
      int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
      assertThat(box[0] + box[2]).as("panel %s fits the 24 columns", panel.path("title")).isLessThanOrEqualTo(24);
      for (int[] other : boxes) {
        boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2] && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
        assertThat(overlap).as("panel %s overlaps another", panel.path("title")).isFalse();
      }
      boxes.add(box);
    }
    assertThat(rows).isEqualTo(ROWS);
  }

  @Test
  void everyPanelIsListedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf("### Dashboard"));
    for (JsonNode panel : DASHBOARD.panels()) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(section).as("README's Dashboard section names panel %s", panel.path("title").asText())
            .contains(panel.path("title").asText());
      }
    }
  }

  @Test
  void metricNamesAreFoundWhereverAQueryNamesThem() {
    assertThat(PromQlNames.of("sum by (namespace, name) (increase(dbops_migration_runs_total{result=~\"failed|x\"}[5m])) > 0"))
        .containsExactly("dbops_migration_runs_total");
    assertThat(PromQlNames.of("histogram_quantile(0.95, sum by (le) (rate(a_bucket[5m]))) / ignoring(x) b_total offset 1h or vector(1e3)"))
        .containsExactly("a_bucket", "b_total");
    assertThat(PromQlNames.of("{__name__=~\"dbops_schema_info|dbops_connection_up\", namespace=~\".*\"}"))
        .containsExactly("dbops_connection_up", "dbops_schema_info");
    assertThat(DASHBOARD.metricNames()).containsKeys("dbops_schema_ready", "dbops_connection_up",
        "operator_sdk_reconciliations_failed_total", "jvm_memory_used_bytes");
  }

  /** A YAML double-quoted scalar. */
  private static String yamlString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
