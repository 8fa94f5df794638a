package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Who may migrate which database and schema ({@link TargetKeys}) now. The lock is a running Job
 * labelled with the target and controlled by a live DatabaseSchema that may hold it, so every
 * replica sees it; this process also remembers the Job it started last per target, which the
 * informer may not show yet. Waiters queue in {@link LockQueue} and are woken when the holder's Job
 * finishes.
 */
final class TargetLocks {
  private final SchemaCaches caches;
  private final InstanceAddresses instanceAddresses;
  private final LockQueue queue = new LockQueue();
  private final Map<String, ResourceID> startedByTarget = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[64];

  TargetLocks(SchemaCaches caches, InstanceAddresses instanceAddresses) {
    this.caches = caches;
    this.instanceAddresses = instanceAddresses;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  LockQueue queue() {
    return queue;
  }

  /**
   * Why another resource's running Job holds {@code target}; empty when it is free for {@code schema}.
   * A holder in another namespace is not named: that namespace is not the reader's to see.
   */
  Optional<String> holder(String target, DatabaseSchema schema) {
    ResourceID recent = startedByTarget.get(target);
    Optional<Job> recentJob = recent == null ? Optional.empty() : caches.job(recent.getNamespace().orElse(null), recent.getName());
    if (recent != null && recentJob.map(JobOutcome::finished).orElse(true)) {
      startedByTarget.remove(target, recent);
    }
    return Stream.concat(caches.jobsOnTarget(target).stream().filter(j -> mayHold(j, target)), recentJob.stream())
        .filter(j -> !JobOutcome.finished(j))
        .filter(j -> !Ownership.controlledBy(j, schema))
        .map(j -> describe(j, schema))
        .findFirst();
  }

  /**
   * Whether the DatabaseSchema controlling {@code job} may hold {@code target}: it migrates that
   * target itself, through a connection that is Ready. Anyone who may create a Job in their namespace
   * can give it a controller reference to a DatabaseSchema of their own and any target's label; only
   * someone whose login to that database works can hold its migrations, as they could by migrating
   * it. (A holder whose connection stops being Ready while its Job runs no longer holds the target;
   * a Job started then still waits for Flyway's own lock in the database.)
   */
  private boolean mayHold(Job job, String target) {
    String namespace = job.getMetadata().getNamespace();
    return Ownership.controller(job)
        .flatMap(owner -> caches.schema(namespace, owner.getName()))
        .filter(owner -> owner.getSpec() != null && owner.getSpec().getConnectionRef() != null)
        .filter(owner -> caches.connection(namespace, owner.getSpec().getConnectionRef().getName())
            .filter(SchemaDecision::ready)
            .map(instanceAddresses::resolve)
            .filter(connection -> target.equals(TargetKeys.of(connection, owner)))
            .isPresent())
        .isPresent();
  }

  /**
   * Runs {@code action} as the only one deciding about {@code target} in this process: checking for
   * a holder and creating a Job are one step, or two schemas reconciled at once could both find the
   * target free.
   */
  <T> T exclusively(String target, Supplier<T> action) {
    synchronized (stripes[Math.floorMod(target.hashCode(), stripes.length)]) {
      return action.get();
    }
  }

  void started(String target, Job job) {
    startedByTarget.put(target, ResourceID.fromResource(job));
  }

  void waitFor(String target, DatabaseSchema schema) {
    queue.waitFor(target, ResourceID.fromResource(schema));
  }

  void leave(DatabaseSchema schema) {
    queue.leave(ResourceID.fromResource(schema));
  }

  private static String describe(Job job, DatabaseSchema waiter) {
    if (!job.getMetadata().getNamespace().equals(waiter.getMetadata().getNamespace())) {
      return "a DatabaseSchema in another namespace is migrating the same database and schema; waiting for it";
    }
    String owner = Ownership.controller(job).map(r -> r.getName()).orElse("?");
    return "DatabaseSchema " + owner + " is migrating the same database and schema (Job " + job.getMetadata().getName()
        + "); waiting for it";
  }
}
