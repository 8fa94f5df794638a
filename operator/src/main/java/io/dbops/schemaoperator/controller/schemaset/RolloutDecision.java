package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.schemaset.Child.State;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Approval;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Move;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Phase;
import io.dbops.schemaoperator.controller.schemaset.RolloutPlan.Progress;
import io.dbops.schemaoperator.model.DatabaseSchemaSetSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaSetStatus;
import io.dbops.schemaoperator.model.FailedTarget;
import io.dbops.schemaoperator.model.OnFailure;
import io.dbops.schemaoperator.model.SchemaSetDefaults;
import io.dbops.schemaoperator.model.TargetCounts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a set's rollout goes on from what its children show, as a pure function: no cluster, no clock.
 * The rules:
 * <ul>
 *   <li>A target is updated when its child was made from the current template. Missing children and
 *       children of older templates are moved to it, in this order: children still busy with an
 *       older template first (moving them starts nothing new: the schema controller lets a running
 *       Job finish before it starts the next), then failed ones (the new template may be their fix),
 *       then the rest by connection name.</li>
 *   <li>The first {@code canary} moves go alone; the rest wait until that many updated children are
 *       Ready (or, with onFailure Continue, Ready or failed).</li>
 *   <li>At most {@code maxParallel} children are busy (moved, not yet Ready or failed) at once; moving
 *       a child that is busy already takes no new place.</li>
 *   <li>onFailure Stop: once a child failed at the current template nothing more is moved, approved or
 *       created, until a new template, a retry, or that tenant leaving the set.</li>
 *   <li>A child whose connection is no longer selected is released: deleted with deletionPolicy Retain.</li>
 * </ul>
 */
final class RolloutDecision {
  private RolloutDecision() {}

  static RolloutPlan decide(SetObservation o) {
    if (o.invalid() != null) {
      return new RolloutPlan(List.of(), List.of(), List.of(), List.of(), null, List.of(), o.handledRetry(),
          new Progress(Phase.INVALID, o.invalid(), null, new TargetCounts(), List.of()));
    }
    DatabaseSchemaSetSpec spec = o.set().getSpec();
    String template = o.templateHash();
    OnFailure onFailure = SchemaSetDefaults.onFailure(spec);

    List<Child> updated = new ArrayList<>();
    List<Child> leaving = new ArrayList<>();
    List<Move> outdated = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    int busy = 0;
    for (String target : o.targets()) {
      Child child = o.children().get(target);
      if (child == null) {
        if (!o.nameTaken().containsKey(target)) {
          missing.add(target);
        }
        continue;
      }
      if (child.busy()) {
        busy++;
      }
      if (child.deleting()) {
        // Someone deleted it; a new one is made once it is gone.
        leaving.add(child);
      } else if (child.at(template, target)) {
        updated.add(child);
      } else {
        outdated.add(new Move(target, child));
      }
    }
    boolean stopped = onFailure == OnFailure.Stop && updated.stream().anyMatch(c -> c.state() == State.FAILED);
    int canaries = Math.min(SchemaSetDefaults.canary(spec), o.targets().size() - o.nameTaken().size());
    long settled = updated.stream()
        .filter(c -> c.state() == State.READY || onFailure == OnFailure.Continue && c.state() == State.FAILED)
        .count();
    boolean canariesDone = settled >= canaries;

    List<String> create = new ArrayList<>();
    List<Move> move = new ArrayList<>();
    if (!stopped) {
      int free = SchemaSetDefaults.maxParallel(spec) - busy;
      int cap = canariesDone ? Integer.MAX_VALUE : canaries - updated.size();
      for (Move candidate : candidates(outdated, missing)) {
        if (cap <= 0) {
          break;
        }
        boolean takesNoPlace = candidate.child() != null && candidate.child().busy();
        if (!takesNoPlace) {
          if (free <= 0) {
            continue;
          }
          free--;
        }
        cap--;
        if (candidate.child() != null) {
          move.add(candidate);
        } else {
          create.add(candidate.connection());
        }
      }
    }

    String approval = o.approval();
    boolean templateApproved = template.equals(approval);
    List<Approval> approve = new ArrayList<>();
    int unapproved = 0;
    for (Child c : updated) {
      if (c.state() != State.AWAITING_APPROVAL || c.planHash() == null || c.planHash().equals(c.approved())) {
        continue;
      }
      if (!templateApproved) {
        unapproved++;
      } else if (!stopped) {
        approve.add(new Approval(c.name(), c.planHash()));
      }
    }

    String retryValue = o.annotation(Annotations.RETRY);
    List<Child> retry = new ArrayList<>();
    String handledRetry = o.handledRetry();
    if (retryValue != null && !retryValue.equals(handledRetry)) {
      // Passed on to the children failed now, once: a child that fails later is not retried unasked.
      updated.stream().filter(c -> c.state() == State.FAILED && !retryValue.equals(c.retry())).forEach(retry::add);
      handledRetry = retryValue;
    }

    List<Child> release = o.strays().stream().filter(c -> !c.deleting()).toList();

    int failed = (int) o.children().values().stream().filter(c -> c.state() == State.FAILED).count() + o.nameTaken().size();
    int ready = (int) updated.stream().filter(c -> c.state() == State.READY).count();
    TargetCounts counts = new TargetCounts(o.targets().size(), updated.size() + move.size() + create.size(), ready, failed);
    List<FailedTarget> failedTargets = failedTargets(o);

    boolean moving = updated.stream().anyMatch(c -> c.state() == State.IN_PROGRESS)
        || outdated.stream().anyMatch(m -> m.child().state() == State.IN_PROGRESS)
        || !leaving.isEmpty() || !create.isEmpty() || !move.isEmpty() || !approve.isEmpty() || !retry.isEmpty()
        || updated.stream().anyMatch(c -> c.state() == State.AWAITING_APPROVAL && c.planHash() != null && c.planHash().equals(c.approved()));
    String approvalMessage = unapproved == 0 ? null
        : unapproved + " child(ren) wait for approval of template " + template + ": annotate this DatabaseSchemaSet with "
            + Annotations.APPROVE + "=" + template + (approval == null ? "" : " (the current approval names another template)");
    Progress progress;
    if (o.targets().isEmpty()) {
      progress = new Progress(Phase.NO_TARGETS, "no DatabaseConnection in namespace " + o.set().getMetadata().getNamespace()
          + " matches spec.selector", null, counts, failedTargets);
    } else if (ready == o.targets().size()) {
      progress = new Progress(Phase.ROLLED_OUT, "all " + ready + " target(s) Ready at template " + template, null, counts,
          failedTargets);
    } else if (stopped) {
      progress = new Progress(Phase.STOPPED, stoppedMessage(o, updated, counts), approvalMessage, counts, failedTargets);
    } else if (!moving && unapproved > 0) {
      progress = new Progress(Phase.AWAITING_APPROVAL, approvalMessage, approvalMessage, counts, failedTargets);
    } else if (!moving && failed > 0) {
      progress = new Progress(Phase.TARGETS_FAILED, failedMessage(o, counts, failedTargets), approvalMessage, counts, failedTargets);
    } else {
      progress = new Progress(Phase.ROLLING_OUT, rollingMessage(template, counts, canariesDone, canaries,
          SchemaSetDefaults.maxParallel(spec)), approvalMessage, counts, failedTargets);
    }
    return new RolloutPlan(create, move, approve, retry, retryValue, release, handledRetry, progress);
  }

  /**
   * Busy outdated children, then failed ones, then the rest (outdated and missing, a missing one as a
   * move without a child) by connection name; within each group targets keep their name order.
   */
  private static List<Move> candidates(List<Move> outdated, List<String> missing) {
    List<Move> order = new ArrayList<>();
    outdated.stream().filter(m -> m.child().busy()).forEach(order::add);
    outdated.stream().filter(m -> m.child().state() == State.FAILED).forEach(order::add);
    List<Move> rest = new ArrayList<>(outdated.stream().filter(m -> m.child().state() == State.READY).toList());
    missing.forEach(target -> rest.add(new Move(target, null)));
    rest.sort(Comparator.comparing(Move::connection));
    order.addAll(rest);
    return order;
  }

  private static List<FailedTarget> failedTargets(SetObservation o) {
    List<FailedTarget> all = new ArrayList<>();
    for (String target : o.targets()) {
      Child child = o.children().get(target);
      if (child != null && child.state() == State.FAILED) {
        all.add(new FailedTarget(target, child.name(), child.reason(), child.message()));
      } else if (child == null && o.nameTaken().containsKey(target)) {
        all.add(new FailedTarget(target, null, "NameTaken", o.nameTaken().get(target)));
      }
    }
    return all.size() <= DatabaseSchemaSetStatus.FAILED_TARGETS_LIMIT ? all : all.subList(0, DatabaseSchemaSetStatus.FAILED_TARGETS_LIMIT);
  }

  private static String stoppedMessage(SetObservation o, List<Child> updated, TargetCounts counts) {
    Child first = updated.stream().filter(c -> c.state() == State.FAILED).min(Comparator.comparing(Child::connection)).orElseThrow();
    int waiting = counts.getTotal() - counts.getUpdated();
    return "rollout of template " + o.templateHash() + " stopped: DatabaseSchema " + first.name() + " (connection "
        + first.connection() + ") failed" + (first.reason() == null ? "" : " with " + first.reason())
        + (first.message() == null || first.message().isBlank() ? "" : ": " + first.message())
        + (waiting > 0 ? "; " + waiting + " target(s) wait" : "")
        + ". Fix the template (a new template rolls out again), or fix the tenant and set annotation " + Annotations.RETRY
        + " on this DatabaseSchemaSet to a new value; onFailure: Continue lets the other targets go on";
  }

  private static String failedMessage(SetObservation o, TargetCounts counts, List<FailedTarget> failedTargets) {
    FailedTarget first = failedTargets.get(0);
    return counts.getFailed() + " of " + counts.getTotal() + " target(s) failed at template " + o.templateHash() + ", first "
        + first.getConnection() + " (" + first.getReason() + ": " + first.getMessage() + "); the others are Ready."
        + " Fix those tenants and set annotation " + Annotations.RETRY + " on this DatabaseSchemaSet to a new value,"
        + " or fix the template";
  }

  private static String rollingMessage(String template, TargetCounts counts, boolean canariesDone, int canaries, int maxParallel) {
    return "template " + template + ": " + counts.getUpdated() + " of " + counts.getTotal() + " updated, " + counts.getReady()
        + " Ready, " + counts.getFailed() + " failed; " + (canariesDone
            ? "at most " + maxParallel + " at once"
            : "the others wait until " + canaries + " canary target(s) are Ready");
  }
}
