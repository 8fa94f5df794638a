package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.StatusWriter;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Phase;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Progress;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSetStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The one place that writes a DatabaseSchemaSet's status: counts, failed targets, and conditions by
 * kstatus' rules (Ready only when every target's child is Ready at the current template, Stalled
 * when only a person can move the rollout on). Writes nothing when nothing changed.
 */
final class SetRecorder {
  /** Children's own events wake the set; this is the look now and then in case one was missed. */
  static final Duration RESYNC = Duration.ofMinutes(5);

  private SetRecorder() {}

  static Duration record(SetObservation o, RolloutPlan plan, Context<DatabaseSchemaSet> context) {
    DatabaseSchemaSet set = o.set();
    DatabaseSchemaSetStatus before = set.getStatus();
    Long generation = set.getMetadata().getGeneration();
    Progress progress = plan.progress();
    DatabaseSchemaSetStatus status = new DatabaseSchemaSetStatus();
    status.setObservedGeneration(generation);
    status.setConditions(before == null ? List.of() : before.getConditions());
    status.setTemplateHash(o.templateHash());
    status.setTargets(progress.counts());
    status.setReadyTargets(progress.counts().getReady() + "/" + progress.counts().getTotal());
    status.setFailedTargets(progress.failedTargets());
    status.setHandledRetry(plan.handledRetry());

    String reason = reason(progress.phase());
    String message = progress.message();
    switch (progress.phase()) {
      case NO_TARGETS, ROLLED_OUT -> {
        condition(status, Conditions.READY, true, reason, message, generation);
        condition(status, Conditions.RECONCILING, false, reason, "", generation);
        condition(status, Conditions.STALLED, false, reason, "", generation);
      }
      case ROLLING_OUT -> {
        condition(status, Conditions.READY, false, reason, message, generation);
        condition(status, Conditions.RECONCILING, true, reason, message, generation);
        condition(status, Conditions.STALLED, false, reason, "", generation);
      }
      case AWAITING_APPROVAL -> {
        condition(status, Conditions.READY, false, reason, message, generation);
        condition(status, Conditions.RECONCILING, false, reason, "", generation);
        condition(status, Conditions.STALLED, false, reason, "", generation);
      }
      case STOPPED, TARGETS_FAILED, INVALID -> {
        condition(status, Conditions.READY, false, reason, message, generation);
        condition(status, Conditions.RECONCILING, false, reason, "", generation);
        condition(status, Conditions.STALLED, true, reason, message, generation);
      }
    }
    if (progress.approvalMessage() != null) {
      condition(status, Conditions.APPROVAL_PENDING, true, "ApprovalRequired", progress.approvalMessage(), generation);
    } else if (Conditions.find(status.getConditions(), Conditions.APPROVAL_PENDING).isPresent()) {
      condition(status, Conditions.APPROVAL_PENDING, false, "NothingToApprove", "", generation);
    }

    DatabaseSchemaSet written = new StatusWriter(context.getClient()).write(set, before, status);
    if (written != null) {
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(written), written, set);
      announce(set, before, status, context);
    }
    return progress.phase() == Phase.ROLLING_OUT ? Duration.ofMinutes(1) : RESYNC;
  }

  /** Events for the turns a person wants to hear of: a rollout that stopped, one that finished. */
  private static void announce(DatabaseSchemaSet set, DatabaseSchemaSetStatus before, DatabaseSchemaSetStatus now,
      Context<DatabaseSchemaSet> context) {
    EventRecorder events = new EventRecorder(context.getClient());
    String wasStalled = before == null ? null : Conditions.find(before.getConditions(), Conditions.STALLED)
        .filter(c -> "True".equals(c.getStatus())).map(c -> c.getReason()).orElse(null);
    String isStalled = Conditions.find(now.getConditions(), Conditions.STALLED)
        .filter(c -> "True".equals(c.getStatus())).map(c -> c.getReason()).orElse(null);
    if (isStalled != null && !isStalled.equals(wasStalled)) {
      events.warning(set, isStalled, Conditions.find(now.getConditions(), Conditions.STALLED).orElseThrow().getMessage());
    }
    boolean wasRolledOut = before != null && Objects.equals(before.getTemplateHash(), now.getTemplateHash())
        && Conditions.find(before.getConditions(), Conditions.READY).filter(c -> "RolledOut".equals(c.getReason())).isPresent();
    boolean isRolledOut = Conditions.find(now.getConditions(), Conditions.READY).filter(c -> "RolledOut".equals(c.getReason())).isPresent();
    if (isRolledOut && !wasRolledOut) {
      events.normal(set, "RolledOut", Conditions.find(now.getConditions(), Conditions.READY).orElseThrow().getMessage());
    }
  }

  static String reason(Phase phase) {
    return switch (phase) {
      case NO_TARGETS -> "NoTargets";
      case ROLLED_OUT -> "RolledOut";
      case ROLLING_OUT -> "RollingOut";
      case AWAITING_APPROVAL -> "ApprovalPending";
      case STOPPED -> "RolloutStopped";
      case TARGETS_FAILED -> "TargetsFailed";
      case INVALID -> "ConfigurationInvalid";
    };
  }

  private static void condition(DatabaseSchemaSetStatus status, String type, boolean value, String reason, String message,
      Long generation) {
    status.setConditions(Conditions.with(status.getConditions(), type, value, reason, message, generation));
  }
}
