package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseSchemaStatus {
  @Min(0)
  @Max(Limits.SAFE_INTEGER)
  @JsonPropertyDescription("The metadata.generation this status describes; Ready is current only when they are equal.")
  private Long observedGeneration;

  @SchemaFrom(type = KubernetesTypeSchemas.Condition[].class)
  @JsonPropertyDescription("Ready (every script applied), Reconciling (reading or migrating), Stalled (a person must"
      + " act), Drifted (the database's history no longer matches the scripts) and ApprovalPending (a Manual plan"
      + " waits), each with a reason and a message saying what to change.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Hash of the scripts and of the spec fields that change what a run does; a new value is"
      + " a new revision to apply.")
  private String desiredHash;

  @JsonPropertyDescription("The database's current Flyway version, e.g. 4; empty before the first script.")
  private String currentVersion;

  @JsonPropertyDescription("Scripts not yet applied, in the order they will run.")
  private List<PendingMigration> pending = new ArrayList<>();

  @JsonPropertyDescription("With approval Manual: the hash of the pending plan, which the annotation"
      + " dbops.io/approve must name for it to run.")
  private String planHash;

  @JsonPropertyDescription("The scripts the database's Flyway history lists as applied.")
  private List<HistoryEntry> history = new ArrayList<>();

  @JsonPropertyDescription("The last migration Job: its name, what it did and how it ended.")
  private LastRun lastRun;

  @JsonPropertyDescription("Why the last run failed, when it did: the script, SQLSTATE and the server's message.")
  private Failure failure;

  @JsonPropertyDescription("Destructive changes in the pending scripts (at most 50), which spec.policy.destructive acts on.")
  @Size(max = 50)
  private List<Finding> findings = new ArrayList<>();

  @JsonPropertyDescription("The dump taken before the last run (spec.backup).")
  private LastBackup lastBackup;
  /** The dbops.io/retry value last acted on, so the same value never re-runs twice. */
  @JsonPropertyDescription("The dbops.io/retry annotation value the operator last acted on; set a new value to retry.")
  private String handledRetry;

  /** The dbops.io/repair value last acted on. */
  @JsonPropertyDescription("The dbops.io/repair annotation value the operator last acted on; set a new value to run"
      + " Flyway repair again.")
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
