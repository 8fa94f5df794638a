package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.model.ConnectionSelector;
import io.dbops.schemaoperator.model.SelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Whether an object's labels satisfy a selector, with Kubernetes' meaning: every matchLabels pair
 * and every requirement must hold. A selector with nothing in it selects nothing here (the CRD
 * refuses it anyway): a set must never take over every connection in its namespace by accident.
 */
public final class LabelSelection {
  private LabelSelection() {}

  public static boolean matches(ConnectionSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<SelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    if (empty(selector)) {
      return false;
    }
    Map<String, String> present = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
      if (!wanted.getValue().equals(present.get(wanted.getKey()))) {
        return false;
      }
    }
    return expressions.stream().allMatch(r -> holds(r, present));
  }

  /** Names no label at all. */
  public static boolean empty(ConnectionSelector selector) {
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }

  private static boolean holds(SelectorRequirement requirement, Map<String, String> labels) {
    if (requirement.getOperator() == null || requirement.getKey() == null) {
      return false;
    }
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case In -> value != null && values.contains(value);
      // As in Kubernetes: an object without the label satisfies NotIn.
      case NotIn -> value == null || !values.contains(value);
      case Exists -> labels.containsKey(requirement.getKey());
      case DoesNotExist -> !labels.containsKey(requirement.getKey());
    };
  }
}
