package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.DesiredHash;
import io.dbops.schemaoperator.builders.JobRequest;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import io.dbops.schemaoperator.builders.ScriptsConfigMapBuilder;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.ApiWrites;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.SecretReader;
import io.dbops.schemaoperator.controller.common.StatusWriter;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.Failure;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.LastRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Brings one DatabaseSchema's database to its migrations: observe (connection, scripts, Jobs,
 * database state), decide, act (at most one Job), report (status, events). Every step that stops
 * says why in a condition reason.
 */
// Not generation-aware: the annotations people set (approve, retry, repair) change no generation and
// must still wake the reconciler; only updates that change nothing but status are ignored.
@ControllerConfiguration(name = "databaseschema", generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SchemaReconciler.NotOnlyStatus.class))
public final class SchemaReconciler implements Reconciler<DatabaseSchema>, Cleaner<DatabaseSchema> {
  static final Duration WAIT_FOR_DEPENDENCY = Duration.ofSeconds(30);
  static final Duration WAIT_FOR_JOB = Duration.ofSeconds(15);
  static final Duration DEFAULT_DRIFT_CHECK = Duration.ofSeconds(300);
  static final int DEFAULT_RETRY_LIMIT = 5;

  private final String operatorImage;
  private final DatabaseReader reader;
  private final SecretCache secretCache;
  private final InstanceAddresses instanceAddresses;
  private final SchemaDeletion deletion;
  /**
   * The Job each target last got from this process. The Job informer may not show a Job created a
   * moment ago; this does, so two schemas on one target never both start.
   */
  private final Map<String, ResourceID> startedByTarget = new ConcurrentHashMap<>();
  private final Object[] targetLocks = new Object[64];
  private volatile InformerEventSource<Job, DatabaseSchema> jobSource;
  private final LockQueue lockQueue = new LockQueue();
  private volatile InformerEventSource<DatabaseConnection, DatabaseSchema> connectionSource;
  private volatile InformerEventSource<ConfigMap, DatabaseSchema> configMapSource;
  private volatile InformerEventSource<Pod, DatabaseSchema> podSource;

  /** Reads Secrets from a cache kept elsewhere (the connection controller's informer); empty = not cached. */
  @FunctionalInterface
  public interface SecretCache {
    Optional<Secret> get(String namespace, String name);
  }

  public SchemaReconciler(String operatorImage, DatabaseReader reader, SecretCache secretCache,
      InstanceAddresses instanceAddresses) {
    this.operatorImage = operatorImage;
    this.reader = reader;
    this.secretCache = secretCache;
    this.instanceAddresses = instanceAddresses;
    this.deletion = new SchemaDeletion(operatorImage, instanceAddresses);
    for (int i = 0; i < targetLocks.length; i++) {
      targetLocks[i] = new Object();
    }
  }

  @Override
  public List<EventSource<?, DatabaseSchema>> prepareEventSources(EventSourceContext<DatabaseSchema> context) {
    InformerEventSourceConfiguration<Job> jobs = InformerEventSourceConfiguration
        .from(Job.class, DatabaseSchema.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(job -> {
          if (JobOutcome.finished(job)) {
            TargetKeys.of(job).ifPresent(lockQueue::released);
          }
          return OWNERS.toPrimaryResourceIDs(job);
        })
        .build();
    InformerEventSourceConfiguration<DatabaseConnection> connections = InformerEventSourceConfiguration
        .from(DatabaseConnection.class, DatabaseSchema.class)
        // Every health probe rewrites the connection's status (probe time, latency); only a spec
        // change or a change in readiness concerns its schemas. Without this filter each probe
        // would make every schema on the connection read its database again.
        .withOnUpdateFilter((updated, previous) -> !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
            || !readiness(updated).equals(readiness(previous)))
        .withSecondaryToPrimaryMapper(connection -> context.getPrimaryCache()
            .list(connection.getMetadata().getNamespace())
            .filter(s -> s.getSpec() != null && s.getSpec().getConnectionRef() != null
                && connection.getMetadata().getName().equals(s.getSpec().getConnectionRef().getName()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    InformerEventSourceConfiguration<ConfigMap> configMaps = InformerEventSourceConfiguration
        .from(ConfigMap.class, DatabaseSchema.class)
        .withSecondaryToPrimaryMapper(cm -> context.getPrimaryCache()
            .byIndex(BY_CONFIG_MAP_REF, cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    // Every ConfigMap event, our own scripts ConfigMaps included, looks up the schemas naming it:
    // an index, not a scan of every schema in the namespace.
    context.getPrimaryCache().addIndexer(BY_CONFIG_MAP_REF, s -> s.getSpec() == null || s.getSpec().getMigrations() == null
        ? List.of()
        : s.getSpec().getMigrations().getConfigMapRefs().stream().map(r -> s.getMetadata().getNamespace() + "/" + r.getName()).toList());
    // Our Jobs' Pods, for their termination messages. A Pod's own events wake nobody: its Job's
    // status changes too, and that event reconciles the schema.
    InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration
        .from(Pod.class, DatabaseSchema.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(pod -> Set.of())
        .build();
    jobSource = new InformerEventSource<>(jobs, context);
    jobSource.addIndexers(Map.of(TargetKeys.LABEL, job -> TargetKeys.of(job).map(List::of).orElse(List.of())));
    connectionSource = new InformerEventSource<>(connections, context);
    configMapSource = new InformerEventSource<>(configMaps, context);
    configMapSource.addIndexers(Map.of(BY_OWNER_UID, cm -> cm.getMetadata().getOwnerReferences() == null ? List.of()
        : cm.getMetadata().getOwnerReferences().stream().map(o -> o.getUid()).filter(Objects::nonNull).toList()));
    podSource = new InformerEventSource<>(pods, context);
    podSource.addIndexers(Map.of(JOB_NAME_LABEL, pod -> pod.getMetadata().getLabels() == null
        || pod.getMetadata().getLabels().get(JOB_NAME_LABEL) == null ? List.of()
        : List.of(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getLabels().get(JOB_NAME_LABEL))));
    return List.of(jobSource, connectionSource, configMapSource, podSource, lockQueue);
  }

  @Override
  public UpdateControl<DatabaseSchema> reconcile(DatabaseSchema schema, Context<DatabaseSchema> context) {
    Run run = new Run(schema, context);
    Duration next = run.reconcile();
    if (!run.waitingForLock) {
      lockQueue.leave(ResourceID.fromResource(schema));
    }
    return UpdateControl.<DatabaseSchema>noUpdate().rescheduleAfter(next);
  }

  /** See {@link SchemaDeletion}: Retain leaves the data, Drop drops it, after any running Job. */
  @Override
  public DeleteControl cleanup(DatabaseSchema schema, Context<DatabaseSchema> context) {
    lockQueue.leave(ResourceID.fromResource(schema));
    return deletion.cleanup(schema, context.getClient());
  }

  private static Set<String> configMapsMountedBy(Job job) {
    Set<String> names = new HashSet<>();
    if (job.getSpec() != null && job.getSpec().getTemplate().getSpec().getVolumes() != null) {
      job.getSpec().getTemplate().getSpec().getVolumes().stream()
          .filter(v -> v.getConfigMap() != null).forEach(v -> names.add(v.getConfigMap().getName()));
    }
    return names;
  }

  /** One reconcile of one schema: holds what was observed and the status being built. */
  private final class Run {
    private final DatabaseSchema schema;
    private final Context<DatabaseSchema> context;
    private final KubernetesClient client;
    private final StatusWriter writer;
    private final EventRecorder events;
    private final String namespace;
    private final String name;
    private final Long generation;
    private DatabaseSchemaStatus written;
    /** The newest version of the resource known here: what the next status write is based on. */
    private DatabaseSchema latest;
    private final DatabaseSchemaStatus status;
    /** This schema's Jobs, oldest first. */
    private List<Job> jobs = List.of();
    /** This reconcile ended waiting for another resource's Job on the same database and schema. */
    private boolean waitingForLock;
    /** A migrate Job that succeeded and was recorded in this reconcile, with the hash it ran for. */
    private MigrationResult finished;
    private String finishedHash;

    Run(DatabaseSchema schema, Context<DatabaseSchema> context) {
      this.schema = schema;
      this.context = context;
      this.client = context.getClient();
      this.latest = schema;
      this.writer = new StatusWriter(client);
      this.events = new EventRecorder(client);
      this.namespace = schema.getMetadata().getNamespace();
      this.name = schema.getMetadata().getName();
      this.generation = schema.getMetadata().getGeneration();
      this.written = schema.getStatus();
      this.status = copy(schema.getStatus());
      status.setObservedGeneration(generation);
    }

    Duration reconcile() {
      if (schema.getSpec() == null) {
        // Stored under an older CRD or written past the API server's checks: reported, and skipped.
        String message = "the operator cannot read this DatabaseSchema ("
            + (schema.readProblem() == null ? "spec is missing" : schema.readProblem()) + "): correct the spec";
        if (Conditions.find(status.getConditions(), Conditions.READY).filter(c -> message.equals(c.getMessage())).isEmpty()) {
          events.warning(schema, "ConfigurationInvalid", message);
        }
        condition(Conditions.READY, false, "ConfigurationInvalid", message);
        condition(Conditions.RECONCILING, false, "ConfigurationInvalid", "");
        condition(Conditions.STALLED, true, "ConfigurationInvalid", message);
        flush();
        return DEFAULT_DRIFT_CHECK;
      }
      DatabaseSchemaSpec spec = schema.getSpec();
      String connectionName = spec.getConnectionRef().getName();
      // A managed instance is, from here on, an external database at its Service with its admin login.
      DatabaseConnection connection = instanceAddresses.resolve(cachedOrRead(connectionSource, connectionName,
          () -> client.resources(DatabaseConnection.class).inNamespace(namespace).withName(connectionName).get()));
      if (connection == null) {
        return waiting("ConnectionNotFound", "DatabaseConnection " + connectionName + " not found in namespace " + namespace + ": create it");
      }
      // A spec the operator cannot read is never ready, whatever its last status said.
      if (connection.getSpec() == null || connection.getStatus() == null
          || !Conditions.isTrue(connection.getStatus().getConditions(), Conditions.READY)) {
        String why = connection.getStatus() == null ? "not probed yet"
            : Conditions.find(connection.getStatus().getConditions(), Conditions.READY).map(c -> c.getReason() + ": " + c.getMessage()).orElse("not probed yet");
        return waiting("ConnectionNotReady", "DatabaseConnection " + connectionName + " is not Ready (" + why + ")");
      }
      Map<String, Map<String, String>> configMapData = new LinkedHashMap<>();
      for (ConfigMapRef ref : spec.getMigrations().getConfigMapRefs()) {
        ConfigMap cm = cachedOrRead(configMapSource, ref.getName(),
            () -> client.configMaps().inNamespace(namespace).withName(ref.getName()).get());
        if (cm == null) {
          return stalled("ConfigMapNotFound", "ConfigMap " + ref.getName() + " named in spec.migrations.configMapRefs not found: create it");
        }
        configMapData.put(ref.getName(), cm.getData() == null ? Map.of() : cm.getData());
      }
      String hash = DesiredHash.of(schema, connection, configMapData);
      if (!hash.equals(status.getDesiredHash())) {
        // A new revision: say so before any slow work, so kstatus readers never see a stale Ready.
        status.setDesiredHash(hash);
        status.setFailure(null);
        status.setPlanHash(null);
        condition(Conditions.READY, false, "Reconciling", "a new revision is being applied");
        condition(Conditions.RECONCILING, true, "NewRevision", "reading the database's state for revision " + hash.substring(0, 8));
        condition(Conditions.STALLED, false, "NewRevision", "");
        flush();
      }

      jobs = ownJobs();
      Optional<Job> active = jobs.stream().filter(j -> !JobOutcome.finished(j)).findFirst();
      if (active.isPresent()) {
        adoptIfUnrecorded(active.get());
        return running(active.get().getMetadata().getName(), status.getLastRun().getOperation());
      }
      recordFinishedRun(jobs);

      SecretReader secrets = new SecretReader(n -> secretCache.get(namespace, n)
          .or(() -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get())));
      SecretReader.Lookup<Login> login = secrets.login(connection.getSpec());
      if (!login.found()) {
        return waiting("ConnectionNotReady", login.message());
      }
      if (status.getFailure() != null && status.getLastRun() != null && "Failed".equals(status.getLastRun().getResult())) {
        return afterFailure(connection, hash);
      }
      if (repairRequested()) {
        return startJob(connection, hash, Operation.repair);
      }
      Optional<Duration> known = knownState(hash);
      if (known.isPresent()) {
        return upToDate(known.get());
      }

      boolean fromImage = spec.getMigrations().getImage() != null;
      if (fromImage) {
        // The operator cannot read scripts inside an image: a Job learns and applies them.
        if (status.getLastRun() != null && "Succeeded".equals(status.getLastRun().getResult()) && hash.equals(lastRunHash())) {
          return upToDate(driftInterval());
        }
        return approvedOrWaiting(connection, hash, List.of()).orElseGet(() -> startJob(connection, hash, Operation.migrate));
      }
      if (Conditions.find(status.getConditions(), Conditions.READY).filter(c -> "WaitingForLock".equals(c.getReason())).isPresent()) {
        // Still waiting: while another resource migrates this schema, a read would only be read again.
        String target = TargetKeys.of(connection, schema);
        Optional<String> lock = otherRunnerOnSameTarget(target);
        if (lock.isPresent()) {
          return waitingForLock(target, lock.get());
        }
      }
      MigrationResult state;
      ConnectionSettings settings;
      // The outcome of a finished Job, if one was just recorded, is published before the slow read.
      flush();
      try {
        settings = ConnectionSettings.from(connection.getSpec(), null);
        state = reader.info(settings, login.value(), MigrationSettings.from(spec), scriptSources(configMapData),
            spec.getApproval() == Approval.Manual);
      } catch (ConfigurationException e) {
        return stalled("ConfigurationInvalid", e.getMessage());
      }
      if (!state.success()) {
        MigrationFailure f = state.failure();
        if (f.transientError()) {
          return waiting(f.reason().name(), f.message());
        }
        return stalled(f.reason().name(), f.message());
      }
      status.setCurrentVersion(state.currentVersion());
      status.setHistory(StatusEntries.history(state.history()));
      status.setPending(StatusEntries.pending(state.pending()));
      Optional<MigrationResult.AppliedScript> failedRow = state.history() == null ? Optional.empty()
          : state.history().stream().filter(a -> Boolean.FALSE.equals(a.success())).findFirst();
      if (failedRow.isPresent()) {
        // Flyway counts a failed row as applied, not pending: without this a database that stopped
        // half-way (MySQL/MariaDB DDL, non-transactional scripts) would read as up to date once the
        // failure was cleared by a spec change. Only a person can say what the half-run left behind.
        MigrationResult.AppliedScript row = failedRow.get();
        return stalled("RepairNeeded", (row.script() == null ? "version " + row.version() : row.script())
            + " is recorded as failed in the schema history and its statements before the failure may have stayed:"
            + " undo them by hand, then set annotation " + Annotations.REPAIR + " to a new value to clear the failed row");
      }
      if (state.pending().isEmpty()) {
        return upToDate(checkDrift(settings, login.value(), state, configMapData));
      }
      return approvedOrWaiting(connection, hash, state.pending()).orElseGet(() -> startJob(connection, hash, Operation.migrate));
    }

    /**
     * The database's state when it is known without reading it, with when to read it next; empty
     * when it must be read now. A migrate Job that succeeded for this very hash read the database
     * right after migrating it, under Flyway's lock: nothing pending, its history, and the applied
     * scripts validated against it (validateOnMigrate), so no drift either. Until one drift-check
     * interval after that run, reading again would learn nothing new; reconciles come for many
     * reasons (the Job's events alone bring two), and each read is a database login and a Flyway
     * run. Without the history (the compact result dropped it) or with something still pending,
     * the database is read as usual.
     */
    private Optional<Duration> knownState(String hash) {
      if (finished != null && hash.equals(finishedHash) && finished.pending().isEmpty() && finished.history() != null) {
        status.setHistory(StatusEntries.history(finished.history()));
        status.setPending(List.of());
        if (Conditions.isTrue(status.getConditions(), Conditions.DRIFTED)) {
          condition(Conditions.DRIFTED, false, "NoDrift", "the migration Job validated the applied scripts against the database's history");
        }
        return Optional.of(driftInterval());
      }
      LastRun run = status.getLastRun();
      if (run == null || !"Succeeded".equals(run.getResult()) || !Operation.migrate.name().equals(run.getOperation())
          || run.getCompletionTime() == null || status.getPending() == null || !status.getPending().isEmpty()
          || !Conditions.isTrue(status.getConditions(), Conditions.READY)) {
        return Optional.empty();
      }
      Job job = cachedOrRead(jobSource, run.getJob(), () -> client.batch().v1().jobs().inNamespace(namespace).withName(run.getJob()).get());
      if (job == null || !Labels.desiredHashOf(job).map(hash::equals).orElse(false)) {
        return Optional.empty();
      }
      Instant due = Instant.parse(run.getCompletionTime()).plus(driftInterval());
      Instant now = Instant.now();
      return now.isBefore(due) ? Optional.of(Duration.between(now, due)) : Optional.empty();
    }

    private Optional<Duration> approvedOrWaiting(DatabaseConnection connection, String hash, List<MigrationResult.PendingScript> pending) {
      if (schema.getSpec().getApproval() != Approval.Manual) {
        return Optional.empty();
      }
      String planHash = planHash(hash, pending);
      String approval = annotation(Annotations.APPROVE);
      if (planHash.equals(approval)) {
        condition(Conditions.APPROVAL_PENDING, false, "Approved", "plan " + planHash + " approved");
        return Optional.empty();
      }
      boolean announced = planHash.equals(status.getPlanHash());
      status.setPlanHash(planHash);
      String message = pending.size() + " script(s) wait for approval: annotate with " + Annotations.APPROVE + "=" + planHash
          + (approval == null ? "" : " (the current approval names another plan)");
      condition(Conditions.APPROVAL_PENDING, true, "ApprovalRequired", message);
      condition(Conditions.READY, false, "ApprovalPending", message);
      condition(Conditions.RECONCILING, false, "ApprovalPending", "");
      condition(Conditions.STALLED, false, "ApprovalPending", "");
      flush();
      if (!announced) {
        events.normal(schema, "ApprovalRequired", message);
      }
      return Optional.of(driftInterval());
    }

    private Duration afterFailure(DatabaseConnection connection, String hash) {
      Failure failure = status.getFailure();
      if (repairRequested()) {
        return startJob(connection, hash, Operation.repair);
      }
      String retry = annotation(Annotations.RETRY);
      if (retry != null && !retry.equals(status.getHandledRetry())) {
        status.setHandledRetry(retry);
        status.setFailure(null);
        return startJob(connection, hash, Operation.migrate);
      }
      int attempt = status.getLastRun().getAttempt() == null ? 1 : status.getLastRun().getAttempt();
      int limit = schema.getSpec().getRetry() == null || schema.getSpec().getRetry().getLimit() == null
          ? DEFAULT_RETRY_LIMIT : schema.getSpec().getRetry().getLimit();
      if (Boolean.TRUE.equals(failure.getTransient()) && attempt <= limit) {
        Duration wait = Backoff.before(attempt);
        Instant due = Instant.parse(status.getLastRun().getCompletionTime()).plus(wait);
        if (Instant.now().isBefore(due)) {
          String message = "transient failure (" + failure.getMessage() + "); retry " + attempt + " of " + limit + " at " + due;
          condition(Conditions.READY, false, "RetryScheduled", message);
          condition(Conditions.RECONCILING, true, "RetryScheduled", message);
          condition(Conditions.STALLED, false, "RetryScheduled", "");
          flush();
          return Duration.between(Instant.now(), due).plusMillis(200);
        }
        status.setFailure(null);
        return startJob(connection, hash, Operation.migrate);
      }
      if (Boolean.TRUE.equals(failure.getTransient())) {
        return stalled("RetriesExhausted", sentence(failure.getMessage()) + " Gave up after " + attempt
            + " attempts: once the cause is fixed, set annotation " + Annotations.RETRY + " to a new value");
      }
      String message = (failure.getScript() == null ? "" : failure.getScript() + ": ") + sentence(failure.getMessage())
          + " Fix the script (a spec change runs again), or set annotation " + Annotations.RETRY + " to a new value"
          + (failure.getMessage() != null && failure.getMessage().contains("repair") ? ", or " + Annotations.REPAIR : "");
      return stalled("MigrationFailed", message);
    }

    private boolean repairRequested() {
      String repair = annotation(Annotations.REPAIR);
      return repair != null && !repair.equals(status.getHandledRepair());
    }

    private Duration startJob(DatabaseConnection connection, String hash, Operation operation) {
      String target = TargetKeys.of(connection, schema);
      Job job;
      int attempt;
      // Checking for another runner and creating the Job are one step for each target, or two
      // schemas reconciled at once could both find the target free.
      synchronized (targetLocks[Math.floorMod(target.hashCode(), targetLocks.length)]) {
        Optional<String> lock = otherRunnerOnSameTarget(target);
        if (lock.isPresent()) {
          return waitingForLock(target, lock.get());
        }
        if (operation == Operation.repair) {
          status.setHandledRepair(annotation(Annotations.REPAIR));
        }
        attempt = nextAttempt(hash);
        Optional<ConfigMap> scripts;
        try {
          scripts = ScriptsConfigMapBuilder.build(schema);
        } catch (IllegalArgumentException e) {
          return stalled("ConfigurationInvalid", e.getMessage());
        }
        scripts.ifPresent(cm -> ApiWrites.createIfAbsent(client, cm));
        try {
          job = MigrationJobBuilder.build(new JobRequest(schema, connection, hash, attempt, operation, operatorImage,
              scripts.map(cm -> cm.getMetadata().getName())));
        } catch (IllegalArgumentException e) {
          return stalled("ConfigurationInvalid", e.getMessage());
        }
        job.getMetadata().getLabels().put(TargetKeys.LABEL, target);
        try {
          Job created = client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
          // The informer learns of the Job a moment later; until then its cache answers with this one.
          jobSource.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          // Already there (a restart between create and status): adopt it rather than run twice.
        }
        startedByTarget.put(target, new ResourceID(job.getMetadata().getName(), namespace));
      }
      LastRun run = new LastRun();
      run.setJob(job.getMetadata().getName());
      run.setOperation(operation.name());
      run.setAttempt(attempt);
      run.setResult("Running");
      run.setStartTime(now());
      status.setLastRun(run);
      return running(job.getMetadata().getName(), operation.name());
    }

    /**
     * A Job of this schema is running. The same words whether it was just started or is seen again
     * (its own status changes bring reconciles), so seeing it again writes nothing.
     */
    private Duration running(String jobName, String operation) {
      String message = operation + " Job " + jobName + " is running";
      condition(Conditions.READY, false, "MigrationRunning", message);
      condition(Conditions.RECONCILING, true, "MigrationRunning", message);
      condition(Conditions.STALLED, false, "MigrationRunning", "");
      flush();
      return WAIT_FOR_JOB;
    }

    /** After an operator restart, a running Job of ours is this run: record it instead of starting another. */
    private void adoptIfUnrecorded(Job job) {
      if (status.getLastRun() == null || !job.getMetadata().getName().equals(status.getLastRun().getJob())) {
        LastRun run = new LastRun();
        run.setJob(job.getMetadata().getName());
        run.setOperation(job.getMetadata().getLabels().getOrDefault(Labels.OPERATION, "migrate"));
        run.setAttempt(parseInt(job.getMetadata().getLabels().get(Labels.ATTEMPT), 1));
        run.setResult("Running");
        run.setStartTime(job.getStatus() == null || job.getStatus().getStartTime() == null ? now() : job.getStatus().getStartTime());
        status.setLastRun(run);
      }
    }

    private void recordFinishedRun(List<Job> jobs) {
      LastRun run = status.getLastRun();
      if (run == null || !"Running".equals(run.getResult())) {
        return;
      }
      Optional<Job> job = jobs.stream().filter(j -> j.getMetadata().getName().equals(run.getJob())).findFirst();
      Operation operation = "repair".equals(run.getOperation()) ? Operation.repair : Operation.migrate;
      MigrationResult result;
      if (job.isEmpty()) {
        result = JobOutcome.vanished(run.getJob(), operation);
      } else {
        result = JobOutcome.read(job.get(), podsOf(run.getJob()), operation);
        TargetKeys.of(job.get()).ifPresent(target -> startedByTarget.remove(target, new ResourceID(run.getJob(), namespace)));
        run.setCompletionTime(job.get().getStatus() != null && job.get().getStatus().getCompletionTime() != null
            ? job.get().getStatus().getCompletionTime() : now());
      }
      if (run.getCompletionTime() == null) {
        run.setCompletionTime(now());
      }
      run.setApplied(result.applied().stream().map(a -> a.version() == null ? a.script() : a.version()).toList());
      if (result.success() && operation == Operation.migrate && job.isPresent()) {
        finished = result;
        finishedHash = Labels.desiredHashOf(job.get()).orElse(null);
      }
      if (result.success()) {
        run.setResult("Succeeded");
        status.setFailure(null);
        if (result.currentVersion() != null) {
          status.setCurrentVersion(result.currentVersion());
        }
        if (operation == Operation.migrate) {
          long millis = Duration.between(Instant.parse(run.getStartTime()), Instant.parse(run.getCompletionTime())).toMillis();
          events.normal(schema, "Migrated", (result.applied().isEmpty() ? "nothing to apply" : "applied "
              + String.join(", ", run.getApplied())) + " in " + millis + " ms; now at version " + result.currentVersion());
          job.ifPresent(this::pruneOldScripts);
        } else {
          events.normal(schema, "Repaired", "repaired the schema history; now at version " + result.currentVersion());
        }
      } else {
        run.setResult("Failed");
        MigrationFailure f = result.failure();
        Failure failure = new Failure();
        failure.setVersion(f.version());
        failure.setScript(f.script());
        failure.setSqlState(f.sqlState());
        failure.setMessage(f.message());
        failure.setTransient(f.transientError());
        status.setFailure(failure);
        if (result.currentVersion() != null) {
          status.setCurrentVersion(result.currentVersion());
        }
        events.warning(schema, "MigrationFailed", (f.script() == null ? "" : f.script() + ": ") + f.message());
      }
      status.setLastRun(run);
      // Written with whatever this reconcile decides next, in one status write; a database read
      // writes it first (see before reader.info), so the outcome never waits for slow work.
    }

    /**
     * Looks for drift (see {@link DriftVerdict}) and reports it, once as an event.
     *
     * @return when to check again
     */
    private Duration checkDrift(ConnectionSettings settings, Login login, MigrationResult state,
        Map<String, Map<String, String>> configMapData) {
      List<Map<String, String>> scripts = scriptSources(configMapData);
      DriftVerdict verdict = DriftVerdict.of(reader.validate(settings, login, MigrationSettings.from(schema.getSpec()), scripts),
          state.currentVersion(), scripts);
      if (!verdict.known()) {
        // Drifted stays as it was and the check runs again soon.
        return WAIT_FOR_DEPENDENCY;
      }
      boolean wasDrifted = Conditions.isTrue(status.getConditions(), Conditions.DRIFTED);
      if (verdict.problem() != null) {
        condition(Conditions.DRIFTED, true, "DriftDetected", verdict.problem());
        if (!wasDrifted) {
          events.warning(schema, "Drifted", verdict.problem());
        }
      } else if (Conditions.find(status.getConditions(), Conditions.DRIFTED).isPresent()) {
        condition(Conditions.DRIFTED, false, "NoDrift", "applied scripts match the database's history");
      }
      return driftInterval();
    }

    /** Ready with nothing pending; looks again after {@code next}. */
    private Duration upToDate(Duration next) {
      status.setPending(List.of());
      status.setPlanHash(null);
      String version = status.getCurrentVersion() == null ? "(empty)" : status.getCurrentVersion();
      condition(Conditions.READY, true, "UpToDate", "database is at version " + version + " with nothing pending");
      condition(Conditions.RECONCILING, false, "UpToDate", "");
      condition(Conditions.STALLED, false, "UpToDate", "");
      if (Conditions.find(status.getConditions(), Conditions.APPROVAL_PENDING).isPresent()) {
        condition(Conditions.APPROVAL_PENDING, false, "UpToDate", "");
      }
      flush();
      return next;
    }

    /** Queued behind another resource's Job: woken when it finishes, and looks again after a while anyway. */
    private Duration waitingForLock(String target, String message) {
      condition(Conditions.READY, false, "WaitingForLock", message);
      condition(Conditions.RECONCILING, true, "WaitingForLock", message);
      condition(Conditions.STALLED, false, "WaitingForLock", "");
      flush();
      waitingForLock = true;
      lockQueue.waitFor(target, ResourceID.fromResource(schema));
      return WAIT_FOR_JOB;
    }

    private Duration waiting(String reason, String message) {
      condition(Conditions.READY, false, reason, message);
      condition(Conditions.RECONCILING, true, reason, message);
      condition(Conditions.STALLED, false, reason, "");
      flush();
      return WAIT_FOR_DEPENDENCY;
    }

    private Duration stalled(String reason, String message) {
      condition(Conditions.READY, false, reason, message);
      condition(Conditions.RECONCILING, false, reason, "");
      condition(Conditions.STALLED, true, reason, message);
      flush();
      return driftInterval();
    }

    /**
     * A running Job of another schema on the same target: those the informer knows, and the one this
     * process started last for the target, which the informer may not show yet.
     */
    private Optional<String> otherRunnerOnSameTarget(String key) {
      ResourceID recent = startedByTarget.get(key);
      Optional<Job> recentJob = recent == null ? Optional.empty() : jobSource.get(recent);
      if (recent != null && recentJob.map(JobOutcome::finished).orElse(true)) {
        startedByTarget.remove(key, recent);
      }
      return java.util.stream.Stream.concat(jobSource.byIndex(TargetKeys.LABEL, key).stream(), recentJob.stream())
          .filter(j -> !JobOutcome.finished(j))
          .filter(j -> !(namespace.equals(j.getMetadata().getNamespace()) && Labels.value(name).equals(j.getMetadata().getLabels().get(Labels.SCHEMA))))
          .map(j -> "DatabaseSchema " + j.getMetadata().getNamespace() + "/" + j.getMetadata().getLabels().get(Labels.SCHEMA)
              + " is migrating the same database and schema (Job " + j.getMetadata().getName() + "); waiting for it")
          .findFirst();
    }

    /**
     * This schema's Jobs, oldest first, from the Job informer, which also answers for Jobs this
     * process created a moment ago. When status names a running Job the informer does not have, the
     * API server is asked before anyone concludes it vanished.
     */
    private List<Job> ownJobs() {
      Map<String, Job> byName = new LinkedHashMap<>();
      for (Job j : context.getSecondaryResources(Job.class)) {
        if (j.getMetadata().getLabels() != null && Labels.MANAGED_BY_VALUE.equals(j.getMetadata().getLabels().get(Labels.MANAGED_BY))) {
          byName.put(j.getMetadata().getName(), j);
        }
      }
      LastRun run = status.getLastRun();
      if (run != null && run.getJob() != null && "Running".equals(run.getResult()) && !byName.containsKey(run.getJob())) {
        Job named = cachedOrRead(jobSource, run.getJob(),
            () -> client.batch().v1().jobs().inNamespace(namespace).withName(run.getJob()).get());
        if (named != null && named.getMetadata().getLabels() != null
            && Labels.value(name).equals(named.getMetadata().getLabels().get(Labels.SCHEMA))) {
          byName.put(named.getMetadata().getName(), named);
        }
      }
      return byName.values().stream()
          .sorted(Comparator.comparing(j -> j.getMetadata().getCreationTimestamp() == null ? "" : j.getMetadata().getCreationTimestamp()))
          .toList();
    }

    /**
     * Scripts ConfigMaps of earlier revisions: once a run of these scripts succeeded nothing reads them
     * again, except a Job still running (deletion waits for it). The one the run used stays.
     */
    private void pruneOldScripts(Job finished) {
      Set<String> inUse = new HashSet<>(configMapsMountedBy(finished));
      jobs.stream().filter(j -> !JobOutcome.finished(j)).forEach(j -> inUse.addAll(configMapsMountedBy(j)));
      String uid = schema.getMetadata().getUid();
      if (uid == null) {
        return;
      }
      configMapSource.byIndex(BY_OWNER_UID, uid).stream()
          .filter(cm -> namespace.equals(cm.getMetadata().getNamespace()) && cm.getMetadata().getLabels() != null
              && Labels.SCRIPTS_APP.equals(cm.getMetadata().getLabels().get(Labels.NAME))
              && !inUse.contains(cm.getMetadata().getName()))
          .toList()
          .forEach(cm -> client.configMaps().inNamespace(namespace).withName(cm.getMetadata().getName()).delete());
    }

    /** A Job's Pods from the informer; from the API server when the informer has none yet. */
    private List<Pod> podsOf(String jobName) {
      List<Pod> cached = podSource.byIndex(JOB_NAME_LABEL, namespace + "/" + jobName);
      return cached.isEmpty()
          ? client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, jobName).list().getItems()
          : cached;
    }

    /** From the informer's cache when it has the object, else from the API server. */
    private <T extends HasMetadata> T cachedOrRead(InformerEventSource<T, DatabaseSchema> source, String objectName, Supplier<T> read) {
      if (source != null) {
        Optional<T> cached = source.get(new ResourceID(objectName, namespace));
        if (cached.isPresent()) {
          return cached.get();
        }
      }
      return read.get();
    }

    private int nextAttempt(String hash) {
      int fromJobs = jobs.stream()
          .filter(j -> Labels.desiredHashOf(j).filter(hash::equals).isPresent())
          .mapToInt(j -> parseInt(j.getMetadata().getLabels().get(Labels.ATTEMPT), 0))
          .max().orElse(0);
      // A vanished Job leaves no label behind; status still remembers its attempt.
      int recorded = status.getLastRun() != null && status.getLastRun().getAttempt() != null
          && hash.equals(status.getDesiredHash()) ? status.getLastRun().getAttempt() : 0;
      return Math.max(fromJobs, recorded) + 1;
    }

    private String lastRunHash() {
      if (status.getLastRun() == null || status.getLastRun().getJob() == null) {
        return null;
      }
      String jobName = status.getLastRun().getJob();
      Job job = cachedOrRead(jobSource, jobName, () -> client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get());
      return job == null ? status.getDesiredHash() : Labels.desiredHashOf(job).orElse(null);
    }

    private List<Map<String, String>> scriptSources(Map<String, Map<String, String>> configMapData) {
      List<Map<String, String>> sources = new ArrayList<>();
      Map<String, String> inline = new LinkedHashMap<>();
      for (InlineMigration m : schema.getSpec().getMigrations().getInline()) {
        inline.put(m.getName(), m.getSql());
      }
      sources.add(inline);
      sources.addAll(configMapData.values());
      return sources;
    }

    private Duration driftInterval() {
      return schema.getSpec().getDriftCheck() == null || schema.getSpec().getDriftCheck().getIntervalSeconds() == null
          ? DEFAULT_DRIFT_CHECK : Duration.ofSeconds(schema.getSpec().getDriftCheck().getIntervalSeconds());
    }

    private String annotation(String key) {
      Map<String, String> annotations = schema.getMetadata().getAnnotations();
      return annotations == null ? null : annotations.get(key);
    }

    private void condition(String type, boolean value, String reason, String message) {
      status.setConditions(Conditions.with(status.getConditions(), type, value, reason, message, generation));
    }

    private void flush() {
      DatabaseSchema updated = writer.write(latest, written, status);
      if (updated != null) {
        written = copy(status);
        // The next reconcile starts from what was written here, even before the informer has it.
        context.eventSourceRetriever().getControllerEventSource()
            .handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, latest);
        latest = updated;
      }
    }
  }

  private static final SecondaryToPrimaryMapper<Job> OWNERS = Mappers.fromOwnerReferences(DatabaseSchema.class);
  private static final String BY_CONFIG_MAP_REF = "configMapRef";
  private static final String BY_OWNER_UID = "ownerUid";
  /** The label Kubernetes puts on a Job's Pods. */
  private static final String JOB_NAME_LABEL = "job-name";

  /** Passes an update unless only status (or bookkeeping such as resourceVersion) changed, as our own writes do. */
  public static final class NotOnlyStatus implements OnUpdateFilter<DatabaseSchema> {
    @Override
    public boolean accept(DatabaseSchema updated, DatabaseSchema previous) {
      var now = updated.getMetadata();
      var before = previous.getMetadata();
      return !Objects.equals(now.getGeneration(), before.getGeneration())
          || !Objects.equals(now.getAnnotations(), before.getAnnotations())
          || !Objects.equals(now.getLabels(), before.getLabels())
          || !Objects.equals(now.getFinalizers(), before.getFinalizers())
          || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
  }

  /** What a schema's reconcile takes from a connection's status: Ready, with its reason and message. */
  static List<String> readiness(DatabaseConnection connection) {
    if (connection.getStatus() == null) {
      return List.of();
    }
    return Conditions.find(connection.getStatus().getConditions(), Conditions.READY)
        .map(c -> List.of(String.valueOf(c.getStatus()), String.valueOf(c.getReason()), String.valueOf(c.getMessage())))
        .orElse(List.of());
  }

  static String planHash(String desiredHash, List<MigrationResult.PendingScript> pending) {
    StringBuilder sb = new StringBuilder(desiredHash);
    for (MigrationResult.PendingScript p : pending) {
      sb.append('|').append(p.script()).append('=').append(p.checksum());
    }
    return Sha256.hex(sb.toString()).substring(0, 12);
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static DatabaseSchemaStatus copy(DatabaseSchemaStatus status) {
    return status == null ? new DatabaseSchemaStatus() : JSON.convertValue(status, DatabaseSchemaStatus.class);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** A driver message as a sentence: one closing period, however the driver ended it. */
  static String sentence(String message) {
    String text = message == null ? "" : message.strip();
    while (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text + ".";
  }
}
