package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.ConnectionResolver;
import io.dbops.schemaoperator.controller.common.ConnectionResolver.Resolved;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.LoginOwner;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DestructivePolicy;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Brings one DatabaseSchema's database to its migrations: observe ({@link SchemaObserver}), decide
 * ({@link SchemaDecision}, pure), act ({@link SchemaActions}: at most one Job; the database is only
 * read), record ({@link SchemaRecorder}: status, events, when to look again).
 */
// Not generation-aware: the annotations people set (approve, retry, repair) change no generation and
// must still wake the reconciler; only updates that change nothing but status are ignored.
@ControllerConfiguration(name = "databaseschema", generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SchemaReconciler.NotOnlyStatus.class))
public final class SchemaReconciler implements Reconciler<DatabaseSchema>, Cleaner<DatabaseSchema> {
  private final DatabaseReader reader;
  private final SchemaCaches caches = new SchemaCaches();
  private final TargetLocks locks;
  private final SchemaActions actions;
  private final SchemaObserver observer;
  private final SchemaDeletion deletion;

  /**
   * Reads a Secret with its content the way the connection controller does (its informer knows every
   * Secret's name and version, and content is read from the API server once per version); empty when
   * the Secret does not exist.
   */
  @FunctionalInterface
  public interface SecretCache {
    Optional<Secret> get(String namespace, String name);
  }

  public SchemaReconciler(String operatorImage, DatabaseReader reader, ConnectionResolver resolver, SecretCache secretCache,
      InstanceAddresses instanceAddresses, WorkloadPolicy policy) {
    this.reader = reader;
    this.locks = new TargetLocks(caches, instanceAddresses);
    this.actions = new SchemaActions(operatorImage, caches, locks);
    this.observer = new SchemaObserver(caches, instanceAddresses, resolver, secretCache, locks, policy);
    this.deletion = new SchemaDeletion(operatorImage, instanceAddresses, caches, locks, policy);
  }

  @Override
  public List<EventSource<?, DatabaseSchema>> prepareEventSources(EventSourceContext<DatabaseSchema> context) {
    return caches.prepare(context, locks.queue());
  }

  @Override
  public UpdateControl<DatabaseSchema> reconcile(DatabaseSchema schema, Context<DatabaseSchema> context) {
    SchemaRecorder recorder = new SchemaRecorder(schema, context, actions);
    Observation observation = observer.observe(schema, context.getClient());
    Step step = SchemaDecision.decide(observation);
    while (step instanceof Step.ReadDatabase || step instanceof Step.CheckDrift) {
      if (step instanceof Step.ReadDatabase) {
        recorder.progress(observation);
        DatabaseReader.Read read = readState(observation);
        observation = observation.withDatabase(read.state());
        if (read.drift() != null) {
          observation = observation.withDrift(read.drift());
        }
      } else {
        observation = observation.withDrift(checkDrift(observation));
      }
      step = SchemaDecision.decide(observation);
    }
    if (step instanceof Step.Start start) {
      step = actions.start(observation, start, context.getClient());
    } else if (step instanceof Step.StartBackup backup) {
      step = actions.startBackup(observation, backup, context.getClient());
    }
    Duration next = recorder.record(observation, step);
    boolean queued = step instanceof Step.Queue || step instanceof Step.Attempted a && a.outcome() instanceof Step.Queue
        || step instanceof Step.BackupAttempted b && b.outcome() instanceof Step.Queue;
    if (!queued) {
      actions.leaveQueue(schema);
    }
    return UpdateControl.<DatabaseSchema>noUpdate().rescheduleAfter(next);
  }

  /** See {@link SchemaDeletion}: Retain leaves the data, Drop drops it, after any running Job. */
  @Override
  public DeleteControl cleanup(DatabaseSchema schema, Context<DatabaseSchema> context) {
    actions.leaveQueue(schema);
    return deletion.cleanup(schema, context.getClient());
  }

  private DatabaseReader.Read readState(Observation o) {
    Resolved access = o.access().value();
    try {
      return reader.read(LoginOwner.of(o.connection()), access.settings(), access.login(), MigrationSettings.from(o.spec()),
          o.scriptSources(), o.desiredHash(), SchemaDefaults.approval(o.spec()) == Approval.Manual
              || SchemaDefaults.destructivePolicy(o.spec()) != DestructivePolicy.Allow);
    } catch (ConfigurationException e) {
      return new DatabaseReader.Read(MigrationResult.failed(Operation.info, MigrationFailure.configuration(e.getMessage())), null);
    }
  }

  private DriftVerdict checkDrift(Observation o) {
    Resolved access = o.access().value();
    try {
      MigrationResult validation = reader.validate(access.settings(), access.login(), MigrationSettings.from(o.spec()), o.scriptSources());
      return DriftVerdict.of(validation, o.database().currentVersion(), o.scriptSources());
    } catch (ConfigurationException e) {
      return new DriftVerdict(false, null);
    }
  }

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
}
