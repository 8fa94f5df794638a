package io.dbops.schemaoperator.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseSchemaStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private String desiredHash;
  private String currentVersion;
  private List<PendingMigration> pending = new ArrayList<>();
  private String planHash;
  private List<HistoryEntry> history = new ArrayList<>();
  private LastRun lastRun;
  private Failure failure;
  /** Destructive changes in the pending scripts (at most 50), for spec.policy.destructive. */
  private List<Finding> findings = new ArrayList<>();
  private LastBackup lastBackup;
  /** The dbops.io/retry value last acted on, so the same value never re-runs twice. */
  private String handledRetry;
  /** The dbops.io/repair value last acted on. */
  private String handledRepair;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public String getDesiredHash() { return desiredHash; }
  public void setDesiredHash(String desiredHash) { this.desiredHash = desiredHash; }
  public String getCurrentVersion() { return currentVersion; }
  public void setCurrentVersion(String currentVersion) { this.currentVersion = currentVersion; }
  public List<PendingMigration> getPending() { return pending; }
  public void setPending(List<PendingMigration> pending) { this.pending = pending; }
  public String getPlanHash() { return planHash; }
  public void setPlanHash(String planHash) { this.planHash = planHash; }
  public List<HistoryEntry> getHistory() { return history; }
  public void setHistory(List<HistoryEntry> history) { this.history = history; }
  public LastRun getLastRun() { return lastRun; }
  public void setLastRun(LastRun lastRun) { this.lastRun = lastRun; }
  public Failure getFailure() { return failure; }
  public void setFailure(Failure failure) { this.failure = failure; }
  public List<Finding> getFindings() { return findings; }
  public void setFindings(List<Finding> findings) { this.findings = findings; }
  public LastBackup getLastBackup() { return lastBackup; }
  public void setLastBackup(LastBackup lastBackup) { this.lastBackup = lastBackup; }
  public String getHandledRetry() { return handledRetry; }
  public void setHandledRetry(String handledRetry) { this.handledRetry = handledRetry; }
  public String getHandledRepair() { return handledRepair; }
  public void setHandledRepair(String handledRepair) { this.handledRepair = handledRepair; }
}
