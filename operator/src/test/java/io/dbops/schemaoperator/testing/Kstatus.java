package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What Flux (through sigs.k8s.io/cli-utils' kstatus) concludes from a resource's metadata and
 * conditions, and the rules of our condition contract (DESIGN.md) that kstatus relies on.
 */
public final class Kstatus {
  public enum Status { InProgress, Current, Failed }

  /**
   * The reasons with which a resource may say Stalled: each needs a person to change something
   * (spec, a Secret, an annotation, the database) before the operator can go on.
   */
  public static final Set<String> HUMAN_REASONS = Set.of("MigrationFailed", "RetriesExhausted", "RepairNeeded",
      "ConfigurationInvalid", "ConfigMapNotFound", "DeadlineExceeded", "JobVanished", "InstanceNotSupported",
      "SchemaConflict", "MigrationsTooLarge", "EulaNotAccepted", "InstanceChangeRefused", "AuthenticationFailed",
      "TlsFailed", "SecretNotFound", "SecretKeyMissing", "DatabaseMissing", "ImageNotAllowed", "ServiceAccountNotAllowed",
      "JobRejected", "ScriptOutOfOrder",
      // a failed dump before a run, a refused destructive change (spec.backup, spec.policy)
      "BackupFailed", "DestructiveChange",
      // a set's rollout stopped on a failure, or children failed under onFailure: Continue
      "RolloutStopped", "TargetsFailed");

  private Kstatus() {}

  /** kstatus' generic rules: an unobserved generation or Reconciling is in progress, Stalled is failed, else current. */
  public static Status of(Long generation, Long observedGeneration, List<Condition> conditions) {
    if (generation != null && (observedGeneration == null || !generation.equals(observedGeneration))) {
      return Status.InProgress;
    }
    if (isTrue(conditions, "Reconciling")) {
      return Status.InProgress;
    }
    if (isTrue(conditions, "Stalled")) {
      return Status.Failed;
    }
    return Status.Current;
  }

  /** Every way a status written by the operator breaks the contract; empty when it keeps it. */
  public static List<String> violations(Long generation, Long observedGeneration, List<Condition> conditions) {
    List<String> violations = new ArrayList<>();
    if (observedGeneration != null && generation != null && observedGeneration > generation) {
      violations.add("observedGeneration " + observedGeneration + " is ahead of generation " + generation);
    }
    List<Condition> all = conditions == null ? List.of() : conditions;
    for (Condition c : all) {
      if (c.getReason() == null || !c.getReason().matches("[A-Z][A-Za-z0-9]*")) {
        violations.add(c.getType() + " has reason '" + c.getReason() + "', not CamelCase");
      }
      if ("True".equals(c.getStatus()) && (c.getMessage() == null || c.getMessage().isBlank())) {
        violations.add(c.getType() + "=True without a message");
      }
    }
    boolean ready = isTrue(all, "Ready");
    boolean reconciling = isTrue(all, "Reconciling");
    boolean stalled = isTrue(all, "Stalled");
    if (ready && reconciling) {
      violations.add("Ready and Reconciling both True");
    }
    if (ready && stalled) {
      violations.add("Ready and Stalled both True");
    }
    if (reconciling && stalled) {
      violations.add("Reconciling and Stalled both True");
    }
    if (ready) {
      Condition readyCondition = find(all, "Ready");
      if (readyCondition.getObservedGeneration() != null && !Objects.equals(readyCondition.getObservedGeneration(), observedGeneration)) {
        violations.add("Ready=True observed generation " + readyCondition.getObservedGeneration()
            + " but status.observedGeneration is " + observedGeneration);
      }
    }
    if (stalled && !HUMAN_REASONS.contains(find(all, "Stalled").getReason())) {
      violations.add("Stalled with reason " + find(all, "Stalled").getReason() + ", which is not one a person must act on");
    }
    return violations;
  }

  static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = conditions == null ? null : find(conditions, type);
    return c != null && "True".equals(c.getStatus());
  }

  private static Condition find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
