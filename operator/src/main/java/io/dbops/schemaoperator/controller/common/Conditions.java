package io.dbops.schemaoperator.controller.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * kstatus conditions: Ready, Reconciling, Stalled and our extras. lastTransitionTime moves only when
 * the status flips, so a status rewritten with the same facts compares equal and is not patched.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String DRIFTED = "Drifted";
  public static final String APPROVAL_PENDING = "ApprovalPending";

  private Conditions() {}

  /** The conditions with {@code type} set; the others unchanged. */
  public static List<Condition> with(List<Condition> current, String type, boolean status, String reason,
      String message, Long generation) {
    List<Condition> result = new ArrayList<>();
    boolean found = false;
    for (Condition c : current == null ? List.<Condition>of() : current) {
      if (type.equals(c.getType())) {
        found = true;
        result.add(build(c, type, status, reason, message, generation));
      } else {
        result.add(c);
      }
    }
    if (!found) {
      result.add(build(null, type, status, reason, message, generation));
    }
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Condition build(Condition previous, String type, boolean status, String reason, String message,
      Long generation) {
    String value = status ? "True" : "False";
    String transition = previous != null && Objects.equals(previous.getStatus(), value) && previous.getLastTransitionTime() != null
        ? previous.getLastTransitionTime()
        : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(oneLine(message))
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.replaceAll("\\s*\\R\\s*", " ").trim();
    return line.length() > 1024 ? line.substring(0, 1023) + "…" : line;
  }
}
