package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which DatabaseConnections a set selects, by label, as a Kubernetes label selector does. Its own
 * class rather than the built-in LabelSelector, so that it can be bounded and refuse the empty
 * selector, which would select every connection in the namespace, tenant or not.
 */
@ValidationRule(
    value = "(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
    message = "selector must name at least one label (matchLabels or matchExpressions):"
        + " an empty selector would select every DatabaseConnection in the namespace")
@ValidationRule(
    value = "!has(self.matchLabels) || self.matchLabels.all(k, size(k) <= 317 && k.matches('" + Patterns.LABEL_KEY + "'))",
    message = "matchLabels keys are label keys: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'")
public class ConnectionSelector {
  @JsonPropertyDescription("Labels a connection must carry, e.g. {dbops.io/tenant-db: \"true\"}.")
  @Size(max = 32)
  private Map<String, @Size(max = 63) @io.fabric8.generator.annotation.Pattern(Patterns.LABEL_VALUE) String> matchLabels =
      new LinkedHashMap<>();

  @JsonPropertyDescription("Requirements a connection's labels must meet, as in a Kubernetes label selector.")
  @Size(max = 32)
  private List<SelectorRequirement> matchExpressions = new ArrayList<>();

  public ConnectionSelector() {}

  public ConnectionSelector(Map<String, String> matchLabels) {
    this.matchLabels = new LinkedHashMap<>(matchLabels);
  }

  public Map<String, String> getMatchLabels() { return matchLabels; }
  public void setMatchLabels(Map<String, String> matchLabels) { this.matchLabels = matchLabels; }
  public List<SelectorRequirement> getMatchExpressions() { return matchExpressions; }
  public void setMatchExpressions(List<SelectorRequirement> matchExpressions) { this.matchExpressions = matchExpressions; }
}
