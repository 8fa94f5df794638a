package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseSchemaSetStatus {
  @Min(0)
  @Max(Limits.SAFE_INTEGER)
  @JsonPropertyDescription("The metadata.generation this status describes; Ready is current only when they are equal.")
  private Long observedGeneration;

  @SchemaFrom(type = KubernetesTypeSchemas.Condition[].class)
  @JsonPropertyDescription("kstatus conditions: Ready (every child Ready at the current template), Reconciling (a rollout in"
      + " progress), Stalled (the rollout stopped on a failure, or children failed), ApprovalPending.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The template revision children are moved to; what a set-level dbops.io/approve must name.")
  private String templateHash;

  @JsonPropertyDescription("How far the rollout is: total selected connections, children updated to the template, ready, failed.")
  private TargetCounts targets;

  @JsonPropertyDescription("ready/total, for the READY printer column.")
  private String readyTargets;

  @JsonPropertyDescription("Failed tenants, at most 20 (targets.failed counts them all), each with its child's reason and message.")
  @Size(max = FAILED_TARGETS_LIMIT)
  private List<FailedTarget> failedTargets = new ArrayList<>();

  @JsonPropertyDescription("The dbops.io/retry value last passed on to the failed children, so one value never retries twice.")
  private String handledRetry;

  public static final int FAILED_TARGETS_LIMIT = 20;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public String getTemplateHash() { return templateHash; }
  public void setTemplateHash(String templateHash) { this.templateHash = templateHash; }
  public TargetCounts getTargets() { return targets; }
  public void setTargets(TargetCounts targets) { this.targets = targets; }
  public String getReadyTargets() { return readyTargets; }
  public void setReadyTargets(String readyTargets) { this.readyTargets = readyTargets; }
  public List<FailedTarget> getFailedTargets() { return failedTargets; }
  public void setFailedTargets(List<FailedTarget> failedTargets) { this.failedTargets = failedTargets; }
  public String getHandledRetry() { return handledRetry; }
  public void setHandledRetry(String handledRetry) { this.handledRetry = handledRetry; }
}
