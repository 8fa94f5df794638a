package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.builders.JobRequest;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import io.dbops.schemaoperator.builders.ScriptsConfigMapBuilder;
import io.dbops.schemaoperator.controller.common.ApiWrites;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The schema controller's writes other than status: starting a run (under the target's lock, with
 * its scripts ConfigMap), queueing behind another resource's run, and deleting scripts ConfigMaps
 * nothing reads any more. A refusal by the API server ends as a step with a reason, never as an
 * exception out of the reconcile.
 */
final class SchemaActions {
  private static final int CONFLICT = 409;
  private static final int INVALID = 422;

  private final String operatorImage;
  private final SchemaCaches caches;
  private final TargetLocks locks;

  SchemaActions(String operatorImage, SchemaCaches caches, TargetLocks locks) {
    this.operatorImage = operatorImage;
    this.caches = caches;
    this.locks = locks;
  }

  /** A start becomes a running Job, a place in the queue, or a stall that says what to change. */
  Step.Attempted start(Observation o, Step.Start start, KubernetesClient client) {
    DatabaseSchema schema = o.schema();
    return locks.exclusively(o.target(), () -> {
      Optional<String> holder = locks.holder(o.target(), schema);
      if (holder.isPresent()) {
        return new Step.Attempted(start, new Step.Queue(o.target(), holder.get()), null);
      }
      int attempt = Math.max(o.highestAttempt(), recordedAttempt(o)) + 1;
      Optional<ConfigMap> scripts;
      Job job;
      try {
        scripts = ScriptsConfigMapBuilder.build(schema);
        job = MigrationJobBuilder.build(new JobRequest(schema, o.connection(), o.desiredHash(), attempt, start.operation(),
            operatorImage, scripts.map(cm -> cm.getMetadata().getName())));
      } catch (IllegalArgumentException e) {
        return new Step.Attempted(start, new Step.Stall("ConfigurationInvalid", e.getMessage()), null);
      }
      job.getMetadata().getLabels().put(TargetKeys.LABEL, o.target());
      try {
        scripts.ifPresent(cm -> ApiWrites.createIfAbsent(client, cm));
        Job created = client.batch().v1().jobs().inNamespace(schema.getMetadata().getNamespace()).resource(job).create();
        caches.jobCreated(created);
      } catch (KubernetesClientException e) {
        if (e.getCode() == INVALID) {
          return new Step.Attempted(start, new Step.Stall("JobRejected", "the API server refused the migration Job or its"
              + " scripts ConfigMap: " + reason(e) + ". Change what it names in spec.job or spec.migrations"), null);
        }
        if (e.getCode() != CONFLICT) {
          throw e;
        }
        // Already there (a restart between create and status): adopt it rather than run twice.
      }
      locks.started(o.target(), job);
      return new Step.Attempted(start, new Step.Running(job.getMetadata().getName(), start.operation().name()),
          run(job, start.operation(), attempt, o));
    });
  }

  /**
   * A backup Job, under the same lock a migration Job takes (labelled with the target), so nothing
   * migrates this database and schema while it is dumped.
   */
  Step.BackupAttempted startBackup(Observation o, Step.StartBackup start, KubernetesClient client) {
    DatabaseSchema schema = o.schema();
    return locks.exclusively(o.target(), () -> {
      Optional<String> holder = locks.holder(o.target(), schema);
      if (holder.isPresent()) {
        return new Step.BackupAttempted(start, new Step.Queue(o.target(), holder.get()), null);
      }
      int attempt = o.jobs().stream().filter(SchemaObserver::isBackup)
          .filter(j -> Labels.desiredHashOf(j).filter(o.desiredHash()::equals).isPresent())
          .mapToInt(j -> SchemaObserver.parseInt(j.getMetadata().getLabels().get(Labels.ATTEMPT), 0)).max().orElse(0) + 1;
      Job job;
      try {
        String serverVersion = o.connection().getStatus() == null ? null : o.connection().getStatus().getServerVersion();
        job = BackupJobBuilder.build(new BackupJobBuilder.Request(schema, o.connection(), o.desiredHash(), attempt,
            o.status().getCurrentVersion(), serverVersion));
      } catch (IllegalArgumentException e) {
        return new Step.BackupAttempted(start, new Step.Stall("ConfigurationInvalid", e.getMessage()), null);
      }
      job.getMetadata().getLabels().put(TargetKeys.LABEL, o.target());
      try {
        caches.jobCreated(client.batch().v1().jobs().inNamespace(schema.getMetadata().getNamespace()).resource(job).create());
      } catch (KubernetesClientException e) {
        if (e.getCode() == INVALID) {
          return new Step.BackupAttempted(start, new Step.Stall("JobRejected", "the API server refused the backup Job: " + reason(e)
              + ". Change what it names in spec.backup or spec.job"), null);
        }
        if (e.getCode() != CONFLICT) {
          throw e;
        }
      }
      locks.started(o.target(), job);
      LastBackup backup = new LastBackup();
      backup.setJob(job.getMetadata().getName());
      backup.setDesiredHash(o.desiredHash());
      backup.setResult(RunResult.Running);
      return new Step.BackupAttempted(start, new Step.Running(job.getMetadata().getName(), BackupJobBuilder.OPERATION), backup);
    });
  }

  void queue(String target, DatabaseSchema schema) {
    locks.waitFor(target, schema);
  }

  void leaveQueue(DatabaseSchema schema) {
    locks.leave(schema);
  }

  /**
   * Scripts ConfigMaps of earlier revisions: once a run of these scripts succeeded nothing reads them
   * again, except a Job still running (deletion waits for it). The one the run used stays.
   */
  void pruneOldScripts(DatabaseSchema schema, Job finished, List<Job> jobs, KubernetesClient client) {
    Set<String> inUse = new HashSet<>(configMapsMountedBy(finished));
    jobs.stream().filter(j -> !JobOutcome.finished(j)).forEach(j -> inUse.addAll(configMapsMountedBy(j)));
    String namespace = schema.getMetadata().getNamespace();
    caches.ownedConfigMaps(namespace, schema.getMetadata().getUid()).stream()
        .filter(cm -> namespace.equals(cm.getMetadata().getNamespace()) && cm.getMetadata().getLabels() != null
            && Labels.SCRIPTS_APP.equals(cm.getMetadata().getLabels().get(Labels.NAME))
            && !inUse.contains(cm.getMetadata().getName()))
        .toList()
        .forEach(cm -> client.configMaps().inNamespace(namespace).withName(cm.getMetadata().getName()).delete());
  }

  /** A vanished Job leaves no label behind; status still remembers its attempt. */
  private static int recordedAttempt(Observation o) {
    LastRun last = o.status().getLastRun();
    return last != null && last.getAttempt() != null && o.desiredHash().equals(o.status().getDesiredHash()) ? last.getAttempt() : 0;
  }

  private static LastRun run(Job job, Operation operation, int attempt, Observation o) {
    LastRun run = new LastRun();
    run.setJob(job.getMetadata().getName());
    run.setOperation(operation.name());
    run.setAttempt(attempt);
    run.setDesiredHash(o.desiredHash());
    run.setResult(RunResult.Running);
    run.setStartTime(StatusFacts.now(o.now()));
    return run;
  }

  static Set<String> configMapsMountedBy(Job job) {
    Set<String> names = new HashSet<>();
    if (job.getSpec() != null && job.getSpec().getTemplate().getSpec().getVolumes() != null) {
      job.getSpec().getTemplate().getSpec().getVolumes().stream()
          .filter(v -> v.getConfigMap() != null).forEach(v -> names.add(v.getConfigMap().getName()));
    }
    return names;
  }

  private static String reason(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
