package io.dbops.schemaoperator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's Grafana dashboard as the tests read it: its panels (rows' own included), every
 * PromQL query it sends (panel targets, and the series selectors of its variables), and the
 * metric names those queries name.
 */
public final class GrafanaDashboard {
  public static final Path FILE = Path.of("..", "helm", "schema-operator", "files", "grafana-dashboard.json");

  /**
   * What Grafana puts in place of each variable before a query reaches Prometheus: every selected
   * namespace and name, the chart's job name, and intervals of the kind it computes.
   */
  static final Map<String, String> SAMPLE_VALUES = Map.of(
      "namespace", ".*", "name", ".*", "job", "schema-operator",
      "__rate_interval", "5m", "__interval", "1m", "__range", "1d");

  private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");

  /** One query, and where it is. */
  public record Query(String where, String expr) {}

  private final JsonNode json;

  private GrafanaDashboard(JsonNode json) {
    this.json = json;
  }

  public static GrafanaDashboard read() {
    try {
      return new GrafanaDashboard(new ObjectMapper().readTree(FILE.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode json() {
    return json;
  }

  /** Every panel, rows included, and the panels of collapsed rows after their row. */
  public List<JsonNode> panels() {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : json.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  public List<JsonNode> variables() {
    List<JsonNode> list = new ArrayList<>();
    json.path("templating").path("list").forEach(list::add);
    return list;
  }

  /** Every PromQL query as Grafana sends it, variables still in place. */
  public List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new Query("panel " + panel.path("id").asInt() + " \"" + panel.path("title").asText() + "\" target "
            + target.path("refId").asText(), target.path("expr").asText()));
      }
    }
    for (JsonNode variable : variables()) {
      if ("query".equals(variable.path("type").asText())) {
        String definition = variable.path("query").path("query").asText(variable.path("definition").asText());
        Matcher labelValues = LABEL_VALUES.matcher(definition.trim());
        if (!labelValues.matches()) {
          throw new AssertionError("variable " + variable.path("name").asText() + " is not label_values(selector, label): " + definition);
        }
        queries.add(new Query("variable " + variable.path("name").asText(), labelValues.group(1)));
      }
    }
    return queries;
  }

  /** The query with every variable replaced as Grafana would; an unknown variable fails. */
  public static String substituted(String expr) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = SAMPLE_VALUES.get(name);
      if (value == null) {
        throw new AssertionError("no sample value for $" + name + " in " + expr);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The variables a piece of the dashboard refers to, as $name or ${name}. */
  public static Set<String> variablesIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      names.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return names;
  }

  /** Every metric any query names, with the queries that name it. */
  public Map<String, List<String>> metricNames() {
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (Query q : queries()) {
      for (String name : PromQlNames.of(substituted(q.expr()))) {
        names.computeIfAbsent(name, k -> new ArrayList<>()).add(q.where());
      }
    }
    return names;
  }
}
