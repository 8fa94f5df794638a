package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@ValidationRule(
    value = "!has(self.schemas) || self.schemas.all(s, s.matches('^[A-Za-z_][A-Za-z0-9_]{0,62}$'))",
    message = "schemas are SQL identifiers: a letter or '_' first, then letters, digits or '_', at most 63")
@ValidationRule(
    value = "!has(self.placeholders) || self.placeholders.all(k, k.matches('^[A-Za-z][A-Za-z0-9_.]*$'))",
    message = "placeholder names: a letter first, then letters, digits, '_' or '.'")
@ValidationRule(
    value = "!has(self.migrations.image) || !has(self.policy) || !has(self.policy.destructive) || self.policy.destructive == 'Allow'",
    message = "policy.destructive RequireApproval or Refuse needs scripts the operator can read (inline or configMapRefs):"
        + " scripts inside migrations.image are read by the Job only")
public class DatabaseSchemaSpec {
  @Required
  private ConnectionRef connectionRef;

  // Bounds the CEL rule above needs: without them the API server estimates its cost as unbounded and
  // refuses the whole CRD at install ("estimated rule cost exceeds budget").
  @Size(max = 32)
  private List<@Size(max = 63) String> schemas = new ArrayList<>();

  @Required
  private Migrations migrations;

  @Default("latest")
  @Pattern(Patterns.TARGET)
  private String target;

  @Size(max = 100)
  private Map<String, String> placeholders = new LinkedHashMap<>();
  private Baseline baseline;

  @Default("false")
  private Boolean outOfOrder;

  @Default("Automatic")
  private Approval approval;

  private Timeouts timeouts;
  private Retry retry;
  private DriftCheck driftCheck;

  @Default("Retain")
  private DeletionPolicy deletionPolicy;

  private JobSettings job;

  /** PerScript, or All: one transaction for the whole run (PostgreSQL and SQL Server only). */
  @Default("PerScript")
  private Transaction transaction;

  private Policy policy;

  private Backup backup;

  public ConnectionRef getConnectionRef() { return connectionRef; }
  public void setConnectionRef(ConnectionRef connectionRef) { this.connectionRef = connectionRef; }
  public List<String> getSchemas() { return schemas; }
  public void setSchemas(List<String> schemas) { this.schemas = schemas; }
  public Migrations getMigrations() { return migrations; }
  public void setMigrations(Migrations migrations) { this.migrations = migrations; }
  public String getTarget() { return target; }
  public void setTarget(String target) { this.target = target; }
  public Map<String, String> getPlaceholders() { return placeholders; }
  public void setPlaceholders(Map<String, String> placeholders) { this.placeholders = placeholders; }
  public Baseline getBaseline() { return baseline; }
  public void setBaseline(Baseline baseline) { this.baseline = baseline; }
  public Boolean getOutOfOrder() { return outOfOrder; }
  public void setOutOfOrder(Boolean outOfOrder) { this.outOfOrder = outOfOrder; }
  public Approval getApproval() { return approval; }
  public void setApproval(Approval approval) { this.approval = approval; }
  public Timeouts getTimeouts() { return timeouts; }
  public void setTimeouts(Timeouts timeouts) { this.timeouts = timeouts; }
  public Retry getRetry() { return retry; }
  public void setRetry(Retry retry) { this.retry = retry; }
  public DriftCheck getDriftCheck() { return driftCheck; }
  public void setDriftCheck(DriftCheck driftCheck) { this.driftCheck = driftCheck; }
  public DeletionPolicy getDeletionPolicy() { return deletionPolicy; }
  public void setDeletionPolicy(DeletionPolicy deletionPolicy) { this.deletionPolicy = deletionPolicy; }
  public JobSettings getJob() { return job; }
  public void setJob(JobSettings job) { this.job = job; }
  public Transaction getTransaction() { return transaction; }
  public void setTransaction(Transaction transaction) { this.transaction = transaction; }
  public Policy getPolicy() { return policy; }
  public void setPolicy(Policy policy) { this.policy = policy; }
  public Backup getBackup() { return backup; }
  public void setBackup(Backup backup) { this.backup = backup; }
}
