package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.ConnectionResolver.Resolved;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one reconcile knows about a DatabaseSchema, read once ({@link SchemaObserver}) and
 * never changed: the decision is a function of it. The database's state and drift join it only when
 * the decision asks for them, because reading them is the slow part.
 *
 * @param connection the connection as the operator reaches it (a managed instance as an external database);
 *     null when there is none
 * @param configMapProblem why a ConfigMap spec.migrations.configMapRefs names cannot be used (missing, or holding
 *     scripts where the operator does not read them), or null
 * @param access settings and login for reading the database, or why there are none
 * @param status the status as the facts seen here make it: a new revision, an adopted or finished
 *     run, the database's state; conditions are left to the recorder
 * @param active a Job of this schema that is running, or null
 * @param finished the run status named as running, now over, or null
 * @param jobs this schema's Jobs, oldest first
 * @param lastRunHash the desired hash status.lastRun ran for, or null when unknown
 * @param highestAttempt the highest attempt number among runs for {@code desiredHash}
 * @param lockHolder why another resource's Job holds this database and schema, or null
 * @param database the database's state once read, else null
 * @param drift the drift check's verdict once made, else null
 * @param jobRefused why the operator's settings forbid this schema's migration or backup Jobs (image, ServiceAccount),
 *     or null
 * @param findings destructive changes in the pending scripts, read with the database's state; else empty
 */
record Observation(
    DatabaseSchema schema,
    Instant now,
    DatabaseConnection connection,
    ConfigMapProblem configMapProblem,
    Lookup<Resolved> access,
    Map<String, Map<String, String>> configMapData,
    String desiredHash,
    String target,
    boolean newRevision,
    DatabaseSchemaStatus status,
    ActiveRun active,
    FinishedRun finished,
    List<Job> jobs,
    String lastRunHash,
    int highestAttempt,
    String lockHolder,
    MigrationResult database,
    DriftVerdict drift,
    WorkloadPolicy.Refusal jobRefused,
    List<DestructiveChange> findings) {

  Observation {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** Why a ConfigMap named in spec.migrations.configMapRefs cannot be used: a condition reason and a message. */
  record ConfigMapProblem(String reason, String message) {
    static ConfigMapProblem missing(String name) {
      return new ConfigMapProblem("ConfigMapNotFound", "ConfigMap " + name + " named in spec.migrations.configMapRefs not found: create it");
    }
  }

  /** A Job of this schema that has not finished. */
  record ActiveRun(String job, String operation) {}

  /**
   * The run status named as running, over now: its result (from the Pod's termination message, or
   * why there is none), the Job (null when it vanished) and the desired hash it ran for.
   */
  record FinishedRun(String jobName, Operation operation, MigrationResult result, Job job, String desiredHash) {}

  /**
   * Observed no further than the inputs: the connection is missing or not Ready, or a ConfigMap is
   * missing or unusable. Nothing beyond them can be decided.
   */
  static Observation inputsOnly(DatabaseSchema schema, Instant now, DatabaseConnection connection,
      ConfigMapProblem configMapProblem) {
    return new Observation(schema, now, connection, configMapProblem, null, Map.of(), null, null, false, schema.getStatus(),
        null, null, List.of(), null, 0, null, null, null, null, List.of());
  }

  /** Whether the inputs are all there and usable: only then was the rest observed. */
  boolean inputsComplete() {
    return connection != null && configMapProblem == null && desiredHash != null;
  }

  DatabaseSchemaSpec spec() {
    return schema.getSpec();
  }

  String annotation(String key) {
    Map<String, String> annotations = schema.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** The scripts as named sources: the inline ones first, then each ConfigMap's data. */
  List<Map<String, String>> scriptSources() {
    List<Map<String, String>> sources = new ArrayList<>();
    Map<String, String> inline = new LinkedHashMap<>();
    for (InlineMigration m : spec().getMigrations().getInline()) {
      inline.put(m.getName(), m.getSql());
    }
    sources.add(inline);
    sources.addAll(configMapData.values());
    return sources;
  }

  /** The database's state, and what the scripts it would run next do: the first moment both are known. */
  Observation withDatabase(MigrationResult state) {
    List<DestructiveChange> found = state.success() ? PendingFindings.of(this, state.pending()) : List.of();
    return new Observation(schema, now, connection, configMapProblem, access, configMapData, desiredHash, target, newRevision,
        StatusFacts.withDatabase(status, state, found), active, finished, jobs, lastRunHash, highestAttempt, lockHolder, state, drift,
        jobRefused, found);
  }

  Observation withDrift(DriftVerdict verdict) {
    return new Observation(schema, now, connection, configMapProblem, access, configMapData, desiredHash, target, newRevision,
        status, active, finished, jobs, lastRunHash, highestAttempt, lockHolder, database, verdict, jobRefused, findings);
  }
}
