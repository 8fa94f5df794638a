package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.JobRequest;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import io.dbops.schemaoperator.builders.ScriptsConfigMapBuilder;
import io.dbops.schemaoperator.controller.common.ApiWrites;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DeletionPolicy;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What deleting a DatabaseSchema does. Retain (the default) never touches data; Drop runs one Job
 * that drops the schemas the resource manages. Either way a running Job is let finish first, for as
 * long as its own activeDeadlineSeconds lets it run, because a migration cut off halfway is worse
 * than one that completes.
 */
final class SchemaDeletion {
  /** Beyond a Job's deadline, the time Kubernetes takes to notice and stop it. */
  static final Duration DEADLINE_GRACE = Duration.ofMinutes(1);
  private static final Duration AFTER_FAILED_DROP = Duration.ofMinutes(5);

  private final String operatorImage;
  private final InstanceAddresses instanceAddresses;
  private final SchemaCaches caches;
  private final TargetLocks locks;
  private final WorkloadPolicy policy;

  SchemaDeletion(String operatorImage, InstanceAddresses instanceAddresses, SchemaCaches caches, TargetLocks locks,
      WorkloadPolicy policy) {
    this.operatorImage = operatorImage;
    this.instanceAddresses = instanceAddresses;
    this.caches = caches;
    this.locks = locks;
    this.policy = policy;
  }

  DeleteControl cleanup(DatabaseSchema schema, KubernetesClient client) {
    Instant now = Instant.now();
    boolean running = caches.jobsOf(schema).stream()
        .filter(j -> !JobOutcome.finished(j))
        .anyMatch(j -> now.isBefore(deadline(j, schema)));
    if (running) {
      return again(SchemaDecision.WAIT_FOR_JOB);
    }
    if (schema.getSpec() != null && SchemaDefaults.deletionPolicy(schema.getSpec()) == DeletionPolicy.Drop) {
      return drop(schema, client);
    }
    return DeleteControl.defaultDelete();
  }

  /** When Kubernetes stops the Job at the latest: its start plus its own activeDeadlineSeconds. */
  static Instant deadline(Job job, DatabaseSchema schema) {
    String started = job.getStatus() != null && job.getStatus().getStartTime() != null
        ? job.getStatus().getStartTime() : job.getMetadata().getCreationTimestamp();
    long seconds = job.getSpec() != null && job.getSpec().getActiveDeadlineSeconds() != null
        ? job.getSpec().getActiveDeadlineSeconds() : SchemaDefaults.activeDeadlineSeconds(schema.getSpec());
    Instant start = started == null ? Instant.now() : Instant.parse(started);
    return start.plusSeconds(Math.min(seconds, Duration.ofDays(365).toSeconds())).plus(DEADLINE_GRACE);
  }

  /**
   * deletionPolicy Drop: one Job drops the schemas this resource manages, never while another
   * resource migrates the same database and schema. Refused, with the data kept, when another
   * DatabaseSchema may still use one of them on the same database; a failed drop keeps the resource
   * so the failure stays visible.
   */
  private DeleteControl drop(DatabaseSchema schema, KubernetesClient client) {
    EventRecorder events = new EventRecorder(client);
    String namespace = schema.getMetadata().getNamespace();
    DatabaseConnection connection = connection(namespace, schema.getSpec().getConnectionRef().getName(), client);
    if (connection == null) {
      events.warning(schema, "DropRefused", "DatabaseConnection " + schema.getSpec().getConnectionRef().getName()
          + " is gone, so nothing can be dropped: the data was left untouched");
      return DeleteControl.defaultDelete();
    }
    Optional<String> sharedWith = new SharedSchemas(caches, instanceAddresses).usedElsewhere(schema, connection)
        .or(() -> policy.checkMigrationJob(schema).map(r -> "the drop Job is not allowed: " + r.message()));
    if (sharedWith.isPresent()) {
      events.warning(schema, "DropRefused", sharedWith.get() + ": the data was left untouched");
      return DeleteControl.defaultDelete();
    }
    Optional<Job> existing = caches.jobsOf(schema).stream()
        .filter(j -> Operation.drop.name().equals(j.getMetadata().getLabels().get(Labels.OPERATION)))
        .findFirst();
    if (existing.isEmpty()) {
      String hash = schema.getStatus() != null && schema.getStatus().getDesiredHash() != null
          ? schema.getStatus().getDesiredHash() : "0".repeat(64);
      Optional<ConfigMap> scripts;
      Job job;
      try {
        scripts = ScriptsConfigMapBuilder.build(schema);
        job = MigrationJobBuilder.build(new JobRequest(schema, connection, hash, 1, Operation.drop, operatorImage,
            scripts.map(cm -> cm.getMetadata().getName())));
      } catch (IllegalArgumentException e) {
        // A spec no Job can be made from (stored past the CRD, or too big for a container) drops nothing.
        events.warning(schema, "DropRefused", "the drop Job cannot be made: " + e.getMessage() + ": the data was left untouched");
        return DeleteControl.defaultDelete();
      }
      String target = TargetKeys.of(connection, schema);
      // Labelled like a migration: while the drop runs, nobody migrates what it drops.
      job.getMetadata().getLabels().put(TargetKeys.LABEL, target);
      boolean started = locks.exclusively(target, () -> {
        if (locks.holder(target, schema).isPresent()) {
          return false;
        }
        // Named by content and immutable: one already there is this one.
        scripts.ifPresent(cm -> ApiWrites.createIfAbsent(client, cm));
        caches.jobCreated(ApiWrites.createIfAbsent(client, job));
        locks.started(target, job);
        return true;
      });
      return again(SchemaDecision.WAIT_FOR_JOB.multipliedBy(started ? 1 : 2));
    }
    Job job = existing.get();
    if (!JobOutcome.finished(job)) {
      return again(SchemaDecision.WAIT_FOR_JOB);
    }
    MigrationResult result = JobOutcome.read(job, caches.podsOf(job, client), Operation.drop);
    if (result.success()) {
      events.normal(schema, "Dropped", "dropped schemas " + String.join(", ", schema.getSpec().getSchemas()));
      return DeleteControl.defaultDelete();
    }
    events.warning(schema, "DropFailed", result.failure().message()
        + ". Set spec.deletionPolicy: Retain to let the resource go without dropping");
    return again(AFTER_FAILED_DROP);
  }

  private DatabaseConnection connection(String namespace, String name, KubernetesClient client) {
    return instanceAddresses.resolve(caches.connection(namespace, name)
        .orElseGet(() -> client.resources(DatabaseConnection.class).inNamespace(namespace).withName(name).get()));
  }

  private static DeleteControl again(Duration after) {
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(after.toMillis());
  }
}
