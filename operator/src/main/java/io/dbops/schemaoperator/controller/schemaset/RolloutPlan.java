package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.model.FailedTarget;
import io.dbops.schemaoperator.model.TargetCounts;
import java.util.List;

/**
 * What one reconcile of a set does and reports, as {@link RolloutDecision} decides it.
 *
 * @param create connections whose child is made now, at the current template
 * @param move children whose spec is moved to the current template now, with the connection they are for
 * @param approve children to annotate with dbops.io/approve naming their own plan
 * @param retry children to annotate with dbops.io/retry={@code retryValue}
 * @param release children to delete with deletionPolicy Retain: their connection is no longer selected
 * @param handledRetry the set's dbops.io/retry value once passed on (status.handledRetry)
 */
record RolloutPlan(
    List<String> create,
    List<Move> move,
    List<Approval> approve,
    List<Child> retry,
    String retryValue,
    List<Child> release,
    String handledRetry,
    Progress progress) {

  record Approval(String child, String planHash) {}

  /** {@code child} becomes the current template's child for {@code connection}. */
  record Move(String connection, Child child) {}

  enum Phase {
    /** Nothing selected. */
    NO_TARGETS,
    /** Every target has a child Ready at the current template. */
    ROLLED_OUT,
    /** Children are moving or migrating. */
    ROLLING_OUT,
    /** Nothing moves until someone approves the template. */
    AWAITING_APPROVAL,
    /** onFailure Stop and a child failed at the current template. */
    STOPPED,
    /** Nothing else can move and some targets failed. */
    TARGETS_FAILED,
    /** The spec cannot be acted on. */
    INVALID
  }

  /**
   * What status says.
   *
   * @param message the Ready condition's message (and Reconciling's or Stalled's, as the phase has it)
   * @param approvalMessage set when children at the current template wait for an approval of it
   * @param failedTargets the first {@code DatabaseSchemaSetStatus.FAILED_TARGETS_LIMIT}, by connection
   */
  record Progress(Phase phase, String message, String approvalMessage, TargetCounts counts, List<FailedTarget> failedTargets) {}

  boolean writes() {
    return !create.isEmpty() || !move.isEmpty() || !approve.isEmpty() || !retry.isEmpty() || !release.isEmpty();
  }
}
