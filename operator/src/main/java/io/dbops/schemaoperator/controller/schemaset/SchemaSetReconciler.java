package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps one child DatabaseSchema per DatabaseConnection a DatabaseSchemaSet selects, and rolls its
 * template out to them: observe ({@link SetObserver}), decide ({@link RolloutDecision}, pure), act
 * ({@link SetActions}), record ({@link SetRecorder}). The children are ordinary schemas: the schema
 * controller runs their Jobs, one at a time per child. Deleting the set deletes the children through
 * their owner reference (the garbage collector), each with the template's deletionPolicy: no
 * finalizer here.
 */
// Not generation-aware: the annotations people set on a set (approve, retry) change no generation.
@ControllerConfiguration(name = "databaseschemaset", generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SchemaSetReconciler.NotOnlyStatus.class))
public final class SchemaSetReconciler implements Reconciler<DatabaseSchemaSet> {
  private final SetCaches caches = new SetCaches();
  private final NameConflicts conflicts = new NameConflicts();
  private final SetObserver observer = new SetObserver(caches, conflicts);
  private final SetActions actions;
  private final Clock clock;

  /** @param inheritedLabelKeys labels children take over from their set: the keys of the operator's own label selector */
  public SchemaSetReconciler(Set<String> inheritedLabelKeys) {
    this(inheritedLabelKeys, Clock.systemUTC());
  }

  SchemaSetReconciler(Set<String> inheritedLabelKeys, Clock clock) {
    this.actions = new SetActions(caches, conflicts, inheritedLabelKeys);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DatabaseSchemaSet>> prepareEventSources(EventSourceContext<DatabaseSchemaSet> context) {
    return caches.prepare(context);
  }

  @Override
  public UpdateControl<DatabaseSchemaSet> reconcile(DatabaseSchemaSet set, Context<DatabaseSchemaSet> context) {
    SetObservation observation = observer.observe(set, clock.instant());
    RolloutPlan plan = RolloutDecision.decide(observation);
    if (actions.apply(observation, plan, context.getClient(), clock.instant())) {
      // A child's name turned out to be taken: decide again without that target (once; the next
      // conflict, if any, waits for the next reconcile).
      observation = observer.observe(set, clock.instant());
      plan = RolloutDecision.decide(observation);
      actions.apply(observation, plan, context.getClient(), clock.instant());
    }
    Duration next = SetRecorder.record(observation, plan, context);
    return UpdateControl.<DatabaseSchemaSet>noUpdate().rescheduleAfter(next);
  }

  /** Passes an update unless only status (or bookkeeping such as resourceVersion) changed, as our own writes do. */
  public static final class NotOnlyStatus implements OnUpdateFilter<DatabaseSchemaSet> {
    @Override
    public boolean accept(DatabaseSchemaSet updated, DatabaseSchemaSet previous) {
      var now = updated.getMetadata();
      var before = previous.getMetadata();
      return !Objects.equals(now.getGeneration(), before.getGeneration())
          || !Objects.equals(now.getAnnotations(), before.getAnnotations())
          || !Objects.equals(now.getLabels(), before.getLabels())
          || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
  }
}
