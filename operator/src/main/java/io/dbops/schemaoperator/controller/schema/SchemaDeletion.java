package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.JobRequest;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import io.dbops.schemaoperator.builders.ScriptsConfigMapBuilder;
import io.dbops.schemaoperator.controller.common.ApiWrites;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DeletionPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What deleting a DatabaseSchema does. Retain (the default) never touches data; Drop runs one Job
 * that drops the schemas the resource manages. Either way a running Job is let finish first, for a
 * bounded time, because a migration cut off halfway is worse than one that completes.
 */
final class SchemaDeletion {
  /** How long deletion waits for a running Job to finish before letting go of the resource. */
  static final Duration WAIT_FOR_RUNNING_JOB = Duration.ofMinutes(10);
  private static final Duration AFTER_FAILED_DROP = Duration.ofMinutes(5);

  private final String operatorImage;
  private final InstanceAddresses instanceAddresses;

  SchemaDeletion(String operatorImage, InstanceAddresses instanceAddresses) {
    this.operatorImage = operatorImage;
    this.instanceAddresses = instanceAddresses;
  }

  DeleteControl cleanup(DatabaseSchema schema, KubernetesClient client) {
    String namespace = schema.getMetadata().getNamespace();
    Optional<Job> running = client.batch().v1().jobs().inNamespace(namespace)
        .withLabel(Labels.SCHEMA, Labels.value(schema.getMetadata().getName())).list().getItems().stream()
        .filter(j -> !JobOutcome.finished(j))
        .findFirst();
    String deleted = schema.getMetadata().getDeletionTimestamp();
    boolean waitedEnough = deleted != null && Instant.parse(deleted).plus(WAIT_FOR_RUNNING_JOB).isBefore(Instant.now());
    if (running.isPresent() && !waitedEnough) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(SchemaReconciler.WAIT_FOR_JOB.toMillis());
    }
    if (schema.getSpec() != null && schema.getSpec().getDeletionPolicy() == DeletionPolicy.Drop) {
      return drop(schema, client);
    }
    return DeleteControl.defaultDelete();
  }

  /**
   * deletionPolicy Drop: one Job drops the schemas this resource manages. Refused, with the data
   * kept, when another DatabaseSchema still uses one of them on the same database; a failed drop
   * keeps the resource so the failure stays visible.
   */
  private DeleteControl drop(DatabaseSchema schema, KubernetesClient client) {
    EventRecorder events = new EventRecorder(client);
    String namespace = schema.getMetadata().getNamespace();
    DatabaseConnection connection = instanceAddresses.resolve(client.resources(DatabaseConnection.class).inNamespace(namespace)
        .withName(schema.getSpec().getConnectionRef().getName()).get());
    if (connection == null) {
      events.warning(schema, "DropRefused", "DatabaseConnection " + schema.getSpec().getConnectionRef().getName()
          + " is gone, so nothing can be dropped: the data was left untouched");
      return DeleteControl.defaultDelete();
    }
    Optional<String> sharedWith = schemaSharedWith(schema, connection, client);
    if (sharedWith.isPresent()) {
      events.warning(schema, "DropRefused", sharedWith.get() + ": the data was left untouched");
      return DeleteControl.defaultDelete();
    }
    List<Job> drops = client.batch().v1().jobs().inNamespace(namespace)
        .withLabel(Labels.SCHEMA, Labels.value(schema.getMetadata().getName()))
        .withLabel(Labels.OPERATION, Operation.drop.name()).list().getItems();
    if (drops.isEmpty()) {
      String hash = schema.getStatus() != null && schema.getStatus().getDesiredHash() != null
          ? schema.getStatus().getDesiredHash() : "0".repeat(64);
      Job job = MigrationJobBuilder.build(new JobRequest(schema, connection, hash, 1, Operation.drop, operatorImage,
          ensureScriptsConfigMap(schema, client)));
      client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(SchemaReconciler.WAIT_FOR_JOB.toMillis());
    }
    Job job = drops.get(0);
    if (!JobOutcome.finished(job)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(SchemaReconciler.WAIT_FOR_JOB.toMillis());
    }
    MigrationResult result = JobOutcome.read(job,
        client.pods().inNamespace(namespace).withLabel("job-name", job.getMetadata().getName()).list().getItems(), Operation.drop);
    if (result.success()) {
      events.normal(schema, "Dropped", "dropped schemas " + String.join(", ", schema.getSpec().getSchemas()));
      return DeleteControl.defaultDelete();
    }
    events.warning(schema, "DropFailed", result.failure().message()
        + ". Set spec.deletionPolicy: Retain to let the resource go without dropping");
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(AFTER_FAILED_DROP.toMillis());
  }

  /** The immutable ConfigMap carrying the inline scripts, created when missing; its name for the Job. */
  private static Optional<String> ensureScriptsConfigMap(DatabaseSchema schema, KubernetesClient client) {
    Optional<ConfigMap> scripts = ScriptsConfigMapBuilder.build(schema);
    // Named by content and immutable: one already there is this one.
    scripts.ifPresent(cm -> ApiWrites.createIfAbsent(client, cm));
    return scripts.map(cm -> cm.getMetadata().getName());
  }

  private static Optional<String> schemaSharedWith(DatabaseSchema schema, DatabaseConnection connection, KubernetesClient client) {
    String target = TargetKeys.database(connection);
    for (DatabaseSchema other : client.resources(DatabaseSchema.class).inAnyNamespace().list().getItems()) {
      boolean same = other.getMetadata().getNamespace().equals(schema.getMetadata().getNamespace())
          && other.getMetadata().getName().equals(schema.getMetadata().getName());
      if (same || other.getSpec() == null || other.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      List<String> overlap = other.getSpec().getSchemas().stream().filter(schema.getSpec().getSchemas()::contains).toList();
      if (overlap.isEmpty()) {
        continue;
      }
      DatabaseConnection theirs = client.resources(DatabaseConnection.class).inNamespace(other.getMetadata().getNamespace())
          .withName(other.getSpec().getConnectionRef().getName()).get();
      if (theirs != null && TargetKeys.database(theirs).equals(target)) {
        return Optional.of("DatabaseSchema " + other.getMetadata().getNamespace() + "/" + other.getMetadata().getName()
            + " still uses schema " + overlap.get(0) + " on the same database, so it was not dropped");
      }
    }
    return Optional.empty();
  }
}
