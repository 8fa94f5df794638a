package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.builders.DesiredHash;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.ConnectionResolver;
import io.dbops.schemaoperator.controller.common.ConnectionResolver.Resolved;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.controller.common.SecretReader;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.controller.schema.Observation.ActiveRun;
import io.dbops.schemaoperator.controller.schema.Observation.ConfigMapProblem;
import io.dbops.schemaoperator.controller.schema.Observation.FinishedRun;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads what one reconcile needs into an {@link Observation}: from the informers' caches, and from
 * the API server only where a cache has not caught up yet. It reads no database and writes nothing.
 */
final class SchemaObserver {
  private final SchemaCaches caches;
  private final InstanceAddresses instanceAddresses;
  private final ConnectionResolver resolver;
  private final SchemaReconciler.SecretCache secretCache;
  private final TargetLocks locks;
  private final WorkloadPolicy policy;

  SchemaObserver(SchemaCaches caches, InstanceAddresses instanceAddresses, ConnectionResolver resolver, SchemaReconciler.SecretCache secretCache,
      TargetLocks locks, WorkloadPolicy policy) {
    this.caches = caches;
    this.instanceAddresses = instanceAddresses;
    this.resolver = resolver;
    this.secretCache = secretCache;
    this.locks = locks;
    this.policy = policy;
  }

  Observation observe(DatabaseSchema schema, KubernetesClient client) {
    Instant now = Instant.now();
    String namespace = schema.getMetadata().getNamespace();
    if (schema.getSpec() == null) {
      return Observation.inputsOnly(schema, now, null, null);
    }
    String connectionName = schema.getSpec().getConnectionRef().getName();
    // A managed instance is, from here on, an external database at its Service with its admin login.
    DatabaseConnection connection = instanceAddresses.resolve(caches.connection(namespace, connectionName)
        .orElseGet(() -> client.resources(DatabaseConnection.class).inNamespace(namespace).withName(connectionName).get()));
    if (connection == null || !SchemaDecision.ready(connection)) {
      return Observation.inputsOnly(schema, now, connection, null);
    }
    Map<String, Map<String, String>> configMapData = new LinkedHashMap<>();
    for (ConfigMapRef ref : schema.getSpec().getMigrations().getConfigMapRefs()) {
      ConfigMap cm = caches.configMap(namespace, ref.getName()).orElse(null);
      if (cm == null) {
        return Observation.inputsOnly(schema, now, connection, ConfigMapProblem.missing(ref.getName()));
      }
      List<String> binaryScripts = cm.getBinaryData() == null ? List.of() : cm.getBinaryData().keySet().stream()
          .filter(key -> key.toLowerCase(Locale.ROOT).endsWith(".sql")).sorted().toList();
      if (!binaryScripts.isEmpty()) {
        // The Job's volume would hold them as files, and Flyway would run them: scripts no plan, hash or approval saw.
        return Observation.inputsOnly(schema, now, connection, new ConfigMapProblem(FailureReason.ConfigurationInvalid.name(),
            "ConfigMap " + ref.getName() + " holds " + String.join(", ", binaryScripts) + " under binaryData, where the operator"
                + " does not read scripts, so no plan would show what the Job runs: put scripts under data, as text"));
      }
      configMapData.put(ref.getName(), cm.getData() == null ? Map.of() : cm.getData());
    }
    String hash = DesiredHash.of(schema, connection, configMapData);

    DatabaseSchemaStatus status = StatusFacts.copy(schema.getStatus());
    boolean newRevision = !hash.equals(status.getDesiredHash());
    if (newRevision) {
      status = StatusFacts.newRevision(status, hash);
    }
    List<Job> jobs = ownJobs(schema, status, client);
    Optional<Job> active = jobs.stream().filter(j -> !JobOutcome.finished(j)).findFirst();
    FinishedRun finished = null;
    boolean backupActive = active.isPresent() && isBackup(active.get());
    if (backupActive) {
      if (status.getLastBackup() == null || !active.get().getMetadata().getName().equals(status.getLastBackup().getJob())) {
        status = StatusFacts.backupStarted(status, adoptedBackup(active.get()));
      }
    } else if (status.getLastBackup() != null && status.getLastBackup().getResult() == RunResult.Running) {
      status = backupFinished(status, jobs, now, client);
    }
    if (backupActive) {
      // A backup runs before its migration run; the run status names is not this Job.
    } else if (active.isPresent()) {
      if (status.getLastRun() == null || !active.get().getMetadata().getName().equals(status.getLastRun().getJob())) {
        status = StatusFacts.adopted(status, adoptedRun(active.get(), now));
      }
    } else if (status.getLastRun() != null && status.getLastRun().getResult() == RunResult.Running) {
      finished = finishedRun(status.getLastRun(), jobs, client);
      Job job = finished.job();
      String completion = job != null && job.getStatus() != null && job.getStatus().getCompletionTime() != null
          ? job.getStatus().getCompletionTime() : StatusFacts.now(now);
      status = StatusFacts.finished(status, finished, completion);
    }

    SecretReader secrets = new SecretReader(n -> secretCache.get(namespace, n));
    Lookup<Resolved> access = resolver.resolve(connection.getSpec(), secrets);
    String target = TargetKeys.of(connection, schema);
    String lockHolder = locks.holder(target, schema).orElse(null);
    ActiveRun running = active.isEmpty() ? null : new ActiveRun(active.get().getMetadata().getName(),
        backupActive ? BackupJobBuilder.OPERATION : status.getLastRun().getOperation());
    return new Observation(schema, now, connection, null, access, configMapData, hash, target, newRevision, status, running,
        finished, jobs, lastRunHash(status, jobs), highestAttempt(jobs, hash), lockHolder, null, null,
        policy.checkMigrationJob(schema).or(() -> policy.checkBackupJob(schema)).orElse(null), List.of());
  }

  /**
   * This schema's Jobs, oldest first: those the schema controls (uid checked), from the Job
   * informer, which also answers for Jobs created a moment ago. When status names a running Job the
   * informer does not have, the API server is asked before anyone concludes it vanished.
   */
  private List<Job> ownJobs(DatabaseSchema schema, DatabaseSchemaStatus status, KubernetesClient client) {
    String namespace = schema.getMetadata().getNamespace();
    Map<String, Job> byName = new LinkedHashMap<>();
    for (Job j : caches.jobsOf(schema)) {
      byName.put(j.getMetadata().getName(), j);
    }
    LastRun run = status.getLastRun();
    if (run != null && run.getJob() != null && run.getResult() == RunResult.Running) {
      readIfMissing(run.getJob(), byName, schema, client);
    }
    LastBackup backup = status.getLastBackup();
    if (backup != null && backup.getJob() != null && backup.getResult() == RunResult.Running) {
      readIfMissing(backup.getJob(), byName, schema, client);
    }
    return byName.values().stream()
        .sorted(Comparator.comparing(j -> j.getMetadata().getCreationTimestamp() == null ? "" : j.getMetadata().getCreationTimestamp()))
        .toList();
  }

  private void readIfMissing(String name, Map<String, Job> byName, DatabaseSchema schema, KubernetesClient client) {
    String namespace = schema.getMetadata().getNamespace();
    if (byName.containsKey(name)) {
      return;
    }
    Job named = cachedOrRead(() -> caches.job(namespace, name),
        () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    if (named != null && Ownership.controlledBy(named, schema)) {
      byName.put(named.getMetadata().getName(), named);
    }
  }

  static boolean isBackup(Job job) {
    return job.getMetadata().getLabels() != null && BackupJobBuilder.OPERATION.equals(job.getMetadata().getLabels().get(Labels.OPERATION));
  }

  /** The backup status names as running is over: what it left in its Pod, or that its Job is gone. */
  private DatabaseSchemaStatus backupFinished(DatabaseSchemaStatus status, List<Job> jobs, Instant now, KubernetesClient client) {
    LastBackup backup = status.getLastBackup();
    Optional<Job> job = jobs.stream().filter(j -> j.getMetadata().getName().equals(backup.getJob())).findFirst();
    if (job.isEmpty()) {
      return StatusFacts.backupFinished(status, BackupOutcome.vanished(backup.getJob()), StatusFacts.now(now));
    }
    String completion = job.get().getStatus() != null && job.get().getStatus().getCompletionTime() != null
        ? job.get().getStatus().getCompletionTime() : StatusFacts.now(now);
    return StatusFacts.backupFinished(status, BackupOutcome.read(job.get(), caches.podsOf(job.get(), client)), completion);
  }

  private static LastBackup adoptedBackup(Job job) {
    LastBackup backup = new LastBackup();
    backup.setJob(job.getMetadata().getName());
    backup.setDesiredHash(Labels.desiredHashOf(job).orElse(null));
    backup.setResult(RunResult.Running);
    return backup;
  }

  private FinishedRun finishedRun(LastRun run, List<Job> jobs, KubernetesClient client) {
    Operation operation = "repair".equals(run.getOperation()) ? Operation.repair : Operation.migrate;
    Optional<Job> job = jobs.stream().filter(j -> j.getMetadata().getName().equals(run.getJob())).findFirst();
    if (job.isEmpty()) {
      return new FinishedRun(run.getJob(), operation, JobOutcome.vanished(run.getJob(), operation), null, run.getDesiredHash());
    }
    MigrationResult result = JobOutcome.read(job.get(), caches.podsOf(job.get(), client), operation);
    return new FinishedRun(run.getJob(), operation, result, job.get(), Labels.desiredHashOf(job.get()).orElse(run.getDesiredHash()));
  }

  private static LastRun adoptedRun(Job job, Instant now) {
    LastRun run = new LastRun();
    run.setJob(job.getMetadata().getName());
    run.setOperation(job.getMetadata().getLabels().getOrDefault(Labels.OPERATION, Operation.migrate.name()));
    run.setAttempt(parseInt(job.getMetadata().getLabels().get(Labels.ATTEMPT), 1));
    run.setDesiredHash(Labels.desiredHashOf(job).orElse(null));
    run.setResult(RunResult.Running);
    run.setStartTime(job.getStatus() == null || job.getStatus().getStartTime() == null ? StatusFacts.now(now) : job.getStatus().getStartTime());
    return run;
  }

  /** The hash status.lastRun ran for: recorded with the run, or (runs recorded before that) its Job's. */
  private String lastRunHash(DatabaseSchemaStatus status, List<Job> jobs) {
    LastRun run = status.getLastRun();
    if (run == null || run.getJob() == null) {
      return null;
    }
    if (run.getDesiredHash() != null) {
      return run.getDesiredHash();
    }
    return jobs.stream().filter(j -> j.getMetadata().getName().equals(run.getJob())).findFirst()
        .flatMap(Labels::desiredHashOf).orElse(null);
  }

  private static int highestAttempt(List<Job> jobs, String hash) {
    return jobs.stream()
        .filter(j -> !isBackup(j) && Labels.desiredHashOf(j).filter(hash::equals).isPresent())
        .mapToInt(j -> parseInt(j.getMetadata().getLabels().get(Labels.ATTEMPT), 0))
        .max().orElse(0);
  }

  private static <T> T cachedOrRead(Supplier<Optional<T>> cached, Supplier<T> read) {
    return cached.get().orElseGet(read);
  }

  static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
