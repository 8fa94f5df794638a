package io.dbops.schemaoperator.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseSchemaSetStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  /** The template revision children are moved to; what a set-level dbops.io/approve must name. */
  private String templateHash;
  private TargetCounts targets;
  /** "ready/total", for the READY printer column (a column cannot join two fields). */
  private String readyTargets;
  /** At most {@link #FAILED_TARGETS_LIMIT}; targets.failed counts them all. */
  private List<FailedTarget> failedTargets = new ArrayList<>();
  /** The dbops.io/retry value last passed on to the failed children, so the same value never retries twice. */
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
