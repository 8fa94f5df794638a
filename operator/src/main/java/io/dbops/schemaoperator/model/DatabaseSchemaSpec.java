package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
  @JsonPropertyDescription("The DatabaseConnection, in this namespace, whose database the migrations are for.")
  private ConnectionRef connectionRef;

  // Bounds the CEL rule above needs: without them the API server estimates its cost as unbounded and
  // refuses the whole CRD at install ("estimated rule cost exceeds budget").
  @Size(max = 32)
  @JsonPropertyDescription("The schemas Flyway manages, e.g. [app]; the first holds its history table and is the"
      + " scripts' default. On MySQL/MariaDB a schema is a database. Default: the connection's default schema"
      + " (public, dbo, or the connection's database).")
  private List<@Size(max = 63) String> schemas = new ArrayList<>();

  @Required
  @JsonPropertyDescription("Where the scripts come from: inline, ConfigMaps and/or an application image (at least one).")
  private Migrations migrations;

  @Default("latest")
  @Pattern(Patterns.TARGET)
  @JsonPropertyDescription("The version to migrate to: latest (every script) or a version such as 4 or 1.2, leaving"
      + " later scripts pending. Default latest.")
  private String target;

  @Size(max = 100)
  @JsonPropertyDescription("Values for ${name} placeholders in the scripts, e.g. {env: prod}.")
  private Map<String, String> placeholders = new LinkedHashMap<>();

  @JsonPropertyDescription("How to adopt a database that already holds a schema made without these migrations.")
  private Baseline baseline;

  @Default("false")
  @JsonPropertyDescription("Apply a script whose version is below the database's current version instead of"
      + " refusing it (e.g. after merging branches). Default false.")
  private Boolean outOfOrder;

  @Default("Automatic")
  @JsonPropertyDescription("Automatic: pending scripts run as soon as they are seen. Manual: the operator reports the"
      + " plan (status.pending, status.planHash) and runs it once the annotation dbops.io/approve names that planHash."
      + " Default Automatic.")
  private Approval approval;

  @JsonPropertyDescription("How long statements may wait for locks and run.")
  private Timeouts timeouts;

  @JsonPropertyDescription("How often transient failures (unreachable, lock timeout, deadlock) are retried.")
  private Retry retry;

  @JsonPropertyDescription("How often the operator compares applied scripts with the database's history.")
  private DriftCheck driftCheck;

  @Default("Retain")
  @JsonPropertyDescription("What deleting this resource does to the data. Retain: nothing (the default). Drop: a Job"
      + " drops the schemas listed in schemas, unless another DatabaseSchema still uses them (never the engine's own"
      + " schemas; not on SQL Server).")
  private DeletionPolicy deletionPolicy;

  @JsonPropertyDescription("How the migration Job's Pod is scheduled, sized and identified.")
  private JobSettings job;

  @JsonPropertyDescription("PerScript (default): each script commits on its own. All: the whole run in one transaction,"
      + " so a failed run leaves the database exactly as before (PostgreSQL and SQL Server; refused for MySQL/MariaDB,"
      + " whose DDL commits itself).")
  @Default("PerScript")
  private Transaction transaction;

  @JsonPropertyDescription("What pending scripts may do: policy.destructive decides about drops, truncates, type changes,"
      + " renames, DELETE/UPDATE without WHERE and statements the operator cannot parse.")
  private Policy policy;

  @JsonPropertyDescription("A dump of the database taken by a Job of its own before each revision's migration run, into a"
      + " PersistentVolumeClaim (PostgreSQL, MySQL/MariaDB) or the server's own disk (SQL Server).")
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
