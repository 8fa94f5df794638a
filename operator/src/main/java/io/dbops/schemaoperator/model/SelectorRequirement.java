package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** One requirement of a label selector: {@code key operator values}, as in Kubernetes. */
@ValidationRule(
    value = "(self.operator == 'In' || self.operator == 'NotIn') ? (has(self.values) && size(self.values) > 0)"
        + " : (!has(self.values) || size(self.values) == 0)",
    message = "In and NotIn need values; Exists and DoesNotExist take none")
public class SelectorRequirement {
  @JsonPropertyDescription("The label key, e.g. tier.")
  @Required
  @Size(max = 317)
  @Pattern(Patterns.LABEL_KEY)
  private String key;

  @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
  @Required
  private SelectorOperator operator;

  @JsonPropertyDescription("The values for In and NotIn; none for Exists and DoesNotExist.")
  @Size(max = 64)
  private List<@Size(max = 63) @Pattern(Patterns.LABEL_VALUE) String> values = new ArrayList<>();

  public SelectorRequirement() {}

  public SelectorRequirement(String key, SelectorOperator operator, List<String> values) {
    this.key = key;
    this.operator = operator;
    this.values = new ArrayList<>(values);
  }

  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
  public SelectorOperator getOperator() { return operator; }
  public void setOperator(SelectorOperator operator) { this.operator = operator; }
  public List<String> getValues() { return values; }
  public void setValues(List<String> values) { this.values = values; }
}
