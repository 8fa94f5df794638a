package io.dbops.schemaoperator.controller.schemaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.schemaset.Child.State;
import io.dbops.schemaoperator.model.ConnectionSelector;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSetSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaSetStatus;
import io.dbops.schemaoperator.model.FailedTarget;
import io.dbops.schemaoperator.model.OnFailure;
import io.dbops.schemaoperator.model.Rollout;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The set controller's rollout decision, one row per situation. Targets are written
 * {@code name=child}, where child is {@code -} (none yet), {@code taken} (another DatabaseSchema has
 * its name), or {@code template:STATE} with template {@code new} (the current one) or {@code old};
 * {@code name=new:AWAITING@p1} waits for approval of its plan p1. The outcome reads
 * {@code create[..] move[..] approve[..] retry[..] release[..] PHASE total/updated/ready/failed}.
 * No cluster: the decision is a function of what the children show.
 */
class RolloutDecisionTest {
  private static final String CURRENT = "new";

  static Stream<Arguments> situations() {
    return Stream.of(
        row("a new set starts with its canary alone", set(1, 10), "a=- b=- c=-",
            "create[a] move[] approve[] retry[] release[] ROLLING_OUT 3/1/0/0"),
        row("the rest wait while the canary migrates", set(1, 10), "a=new:IN_PROGRESS b=- c=-",
            "create[] move[] approve[] retry[] release[] ROLLING_OUT 3/1/0/0"),
        row("a Ready canary lets the rest go", set(1, 10), "a=new:READY b=- c=-",
            "create[b, c] move[] approve[] retry[] release[] ROLLING_OUT 3/3/1/0"),
        row("after the canary, maxParallel children at once", set(1, 1), "a=new:READY b=- c=-",
            "create[b] move[] approve[] retry[] release[] ROLLING_OUT 3/2/1/0"),
        row("a full batch waits for a place", set(1, 1), "a=new:READY b=new:IN_PROGRESS c=-",
            "create[] move[] approve[] retry[] release[] ROLLING_OUT 3/2/1/0"),
        row("no canary: maxParallel from the start", set(0, 2), "a=- b=- c=-",
            "create[a, b] move[] approve[] retry[] release[] ROLLING_OUT 3/2/0/0"),
        row("every child Ready at the current template", set(1, 10), "a=new:READY b=new:READY c=new:READY",
            "create[] move[] approve[] retry[] release[] ROLLED_OUT 3/3/3/0"),
        row("a new template moves its canary first", set(1, 10), "a=old:READY b=old:READY c=old:READY",
            "create[] move[a] approve[] retry[] release[] ROLLING_OUT 3/1/0/0"),
        row("two canaries, but maxParallel 1", set(2, 1), "a=old:READY b=old:READY c=old:READY",
            "create[] move[a] approve[] retry[] release[] ROLLING_OUT 3/1/0/0"),
        row("a template change mid-rollout moves the busy children first", set(1, 10), "a=old:READY b=old:READY c=old:IN_PROGRESS",
            "create[] move[c] approve[] retry[] release[] ROLLING_OUT 3/1/0/0"),
        row("moving a busy child takes no new place", set(0, 1), "a=new:IN_PROGRESS b=old:IN_PROGRESS c=old:READY",
            "create[] move[b] approve[] retry[] release[] ROLLING_OUT 3/2/0/0"),
        row("onFailure Stop: a failed canary stops the rollout", set(1, 10), "a=new:FAILED b=old:READY c=old:READY",
            "create[] move[] approve[] retry[] release[] STOPPED 3/1/0/1"),
        row("onFailure Stop: no new tenant gets a child either", set(1, 10), "a=new:FAILED b=new:READY c=-",
            "create[] move[] approve[] retry[] release[] STOPPED 3/2/1/1"),
        row("onFailure Continue: a failed canary lets the rest go", set(1, 10, OnFailure.Continue), "a=new:FAILED b=old:READY c=old:READY",
            "create[] move[b, c] approve[] retry[] release[] ROLLING_OUT 3/3/0/1"),
        row("onFailure Continue: failures free their place", set(0, 1, OnFailure.Continue), "a=new:FAILED b=- c=-",
            "create[b] move[] approve[] retry[] release[] ROLLING_OUT 3/2/0/1"),
        row("onFailure Continue: done but for the failed ones", set(1, 10, OnFailure.Continue), "a=new:FAILED b=new:READY c=new:READY",
            "create[] move[] approve[] retry[] release[] TARGETS_FAILED 3/3/2/1"),
        row("a child that failed at an older template is the first to get the new one", set(1, 10), "a=old:READY b=old:FAILED",
            "create[] move[b] approve[] retry[] release[] ROLLING_OUT 2/1/0/1"),
        row("Manual: a plan waits for the set's approval", set(1, 10), "a=new:AWAITING@p1 b=old:READY",
            "create[] move[] approve[] retry[] release[] AWAITING_APPROVAL 2/1/0/0"),
        row("Manual: the set's approval of the template approves each child's own plan",
            annotated(set(0, 10), Annotations.APPROVE, CURRENT), "a=new:AWAITING@p1 b=new:AWAITING@p2",
            "create[] move[] approve[a=p1, b=p2] retry[] release[] ROLLING_OUT 2/2/0/0"),
        row("Manual: an approval naming another template approves nothing", annotated(set(0, 10), Annotations.APPROVE, "old"),
            "a=new:AWAITING@p1", "create[] move[] approve[] retry[] release[] AWAITING_APPROVAL 1/1/0/0"),
        row("Manual: a plan already approved on the child is not approved again", annotated(set(0, 10), Annotations.APPROVE, CURRENT),
            "a=new:AWAITING@p1=p1", "create[] move[] approve[] retry[] release[] ROLLING_OUT 1/1/0/0"),
        row("a stopped rollout approves nothing", annotated(set(0, 10), Annotations.APPROVE, CURRENT), "a=new:FAILED b=new:AWAITING@p2",
            "create[] move[] approve[] retry[] release[] STOPPED 2/2/0/1"),
        row("a new dbops.io/retry on the set is passed on to the failed children", annotated(set(1, 10), Annotations.RETRY, "1"),
            "a=new:FAILED b=old:READY", "create[] move[] approve[] retry[a] release[] STOPPED 2/1/0/1"),
        row("a dbops.io/retry value already passed on is not passed on again",
            handled(annotated(set(1, 10), Annotations.RETRY, "1"), "1"), "a=new:FAILED b=old:READY",
            "create[] move[] approve[] retry[] release[] STOPPED 2/1/0/1"),
        row("a connection no longer selected loses its child", set(1, 10), "a=new:READY | x=new:READY",
            "create[] move[] approve[] retry[] release[x] ROLLED_OUT 1/1/1/0"),
        row("a child already on its way out is not released twice", set(1, 10), "a=new:READY | x=deleting",
            "create[] move[] approve[] retry[] release[] ROLLED_OUT 1/1/1/0"),
        row("a child someone deleted is made again once it is gone", set(0, 10), "a=deleting b=new:READY",
            "create[] move[] approve[] retry[] release[] ROLLING_OUT 2/1/1/0"),
        row("a name another DatabaseSchema holds is a failed target, and no canary", set(1, 10), "a=taken b=- c=-",
            "create[b] move[] approve[] retry[] release[] ROLLING_OUT 3/1/0/1"),
        row("done but for a name another DatabaseSchema holds", set(1, 10), "a=taken b=new:READY",
            "create[] move[] approve[] retry[] release[] TARGETS_FAILED 2/1/1/1"),
        row("a child whose spec names another connection is moved back to its own", set(1, 10), "a=new:READY@elsewhere",
            "create[] move[a] approve[] retry[] release[] ROLLING_OUT 1/1/0/0"),
        row("nothing selected", set(1, 10), "| x=new:READY",
            "create[] move[] approve[] retry[] release[x] NO_TARGETS 0/0/0/0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void eachSituationLeadsToItsPlan(String situation, DatabaseSchemaSet set, String children, String expected) {
    RolloutPlan plan = RolloutDecision.decide(observation(set, children));

    assertThat(summary(plan)).as(situation).isEqualTo(expected);
  }

  @Test
  void aStoppedRolloutSaysWhichChildFailedWhyAndHowToGoOn() {
    RolloutPlan plan = RolloutDecision.decide(observation(set(1, 10), "a=new:FAILED b=old:READY c=old:READY"));

    assertThat(plan.progress().message()).contains("stopped", "DatabaseSchema tenants-a", "connection a", "MigrationFailed",
        "V2__x.sql failed", "2 target(s) wait", Annotations.RETRY, "onFailure: Continue");
    assertThat(plan.progress().failedTargets()).singleElement().satisfies(f -> {
      assertThat(f.getConnection()).isEqualTo("a");
      assertThat(f.getSchema()).isEqualTo("tenants-a");
      assertThat(f.getReason()).isEqualTo("MigrationFailed");
    });
  }

  @Test
  void anApprovalPendingSaysWhatToAnnotate() {
    RolloutPlan plan = RolloutDecision.decide(observation(set(1, 10), "a=new:AWAITING@p1"));

    assertThat(plan.progress().approvalMessage()).contains(Annotations.APPROVE + "=" + CURRENT);
  }

  @Test
  void failedTargetsListAtMostTwentyAndTheCountHasThemAll() {
    String children = Stream.iterate(0, i -> i + 1).limit(25).map(i -> String.format("t%02d=new:FAILED", i))
        .collect(Collectors.joining(" "));
    RolloutPlan plan = RolloutDecision.decide(observation(set(1, 10, OnFailure.Continue), children));

    assertThat(plan.progress().failedTargets()).hasSize(DatabaseSchemaSetStatus.FAILED_TARGETS_LIMIT)
        .extracting(FailedTarget::getConnection).startsWith("t00", "t01");
    assertThat(plan.progress().counts().getFailed()).isEqualTo(25);
  }

  @Test
  void anInvalidSetIsReportedAndNothingIsDone() {
    SetObservation invalid = new SetObservation(set(1, 10), "spec.template.migrations is missing", null, List.of(), Map.of(),
        List.of(), Map.of());

    RolloutPlan plan = RolloutDecision.decide(invalid);

    assertThat(plan.writes()).isFalse();
    assertThat(plan.progress().phase()).isEqualTo(RolloutPlan.Phase.INVALID);
  }

  private static Arguments row(String situation, DatabaseSchemaSet set, String children, String expected) {
    return Arguments.of(situation, set, children, expected);
  }

  static DatabaseSchemaSet set(int canary, int maxParallel) {
    return set(canary, maxParallel, OnFailure.Stop);
  }

  static DatabaseSchemaSet set(int canary, int maxParallel, OnFailure onFailure) {
    DatabaseSchemaSet set = new DatabaseSchemaSet();
    set.setMetadata(new ObjectMetaBuilder().withName("tenants").withNamespace("saas").withGeneration(1L)
        .withAnnotations(new LinkedHashMap<>()).build());
    DatabaseSchemaSetSpec spec = new DatabaseSchemaSetSpec();
    spec.setSelector(new ConnectionSelector(Map.of("dbops.io/tenant-db", "true")));
    Rollout rollout = new Rollout();
    rollout.setCanary(canary);
    rollout.setMaxParallel(maxParallel);
    rollout.setOnFailure(onFailure);
    spec.setRollout(rollout);
    set.setSpec(spec);
    return set;
  }

  private static DatabaseSchemaSet annotated(DatabaseSchemaSet set, String key, String value) {
    set.getMetadata().getAnnotations().put(key, value);
    return set;
  }

  private static DatabaseSchemaSet handled(DatabaseSchemaSet set, String retry) {
    DatabaseSchemaSetStatus status = new DatabaseSchemaSetStatus();
    status.setHandledRetry(retry);
    set.setStatus(status);
    return set;
  }

  /** "targets | strays", each "name=child" as the class comment says. */
  static SetObservation observation(DatabaseSchemaSet set, String layout) {
    String[] parts = layout.split("\\|", -1);
    List<String> targets = new ArrayList<>();
    Map<String, Child> children = new LinkedHashMap<>();
    Map<String, String> taken = new LinkedHashMap<>();
    for (String entry : parts[0].trim().split("\\s+")) {
      if (entry.isEmpty()) {
        continue;
      }
      String[] nameAndChild = entry.split("=", 2);
      String target = nameAndChild[0];
      targets.add(target);
      if (nameAndChild[1].equals("taken")) {
        taken.put(target, "DatabaseSchema tenants-" + target + " already exists and is not this set's child");
      } else if (!nameAndChild[1].equals("-")) {
        children.put(target, child(target, nameAndChild[1]));
      }
    }
    List<Child> strays = new ArrayList<>();
    if (parts.length > 1) {
      for (String entry : parts[1].trim().split("\\s+")) {
        String[] nameAndChild = entry.split("=", 2);
        strays.add(child(nameAndChild[0], nameAndChild[1]));
      }
    }
    return new SetObservation(set, null, CURRENT, targets, children, strays, taken);
  }

  /** "new:READY", "old:FAILED", "new:AWAITING@p1" (plan p1), "new:AWAITING@p1=p1" (and approved on the child), "new:READY@elsewhere" (spec names another connection), "deleting". */
  private static Child child(String target, String spec) {
    String name = "tenants-" + target;
    if (spec.equals("deleting")) {
      return new Child(name, target, CURRENT, State.IN_PROGRESS, null, null, null, null, null, true);
    }
    String[] templateAndState = spec.split(":", 2);
    String stateAndMore = templateAndState[1];
    String planHash = null;
    String approved = null;
    String connection = target;
    int at = stateAndMore.indexOf('@');
    if (at >= 0) {
      String more = stateAndMore.substring(at + 1);
      stateAndMore = stateAndMore.substring(0, at);
      if (stateAndMore.equals("AWAITING")) {
        String[] planAndApproval = more.split("=", 2);
        planHash = planAndApproval[0];
        approved = planAndApproval.length > 1 ? planAndApproval[1] : null;
      } else {
        connection = more;
      }
    }
    State state = stateAndMore.equals("AWAITING") ? State.AWAITING_APPROVAL : State.valueOf(stateAndMore);
    String reason = state == State.FAILED ? "MigrationFailed" : state == State.READY ? "UpToDate" : "MigrationRunning";
    String message = state == State.FAILED ? "V2__x.sql failed: syntax error" : "";
    return new Child(name, connection, templateAndState[0], state, reason, message, planHash, approved, null, false);
  }

  static String summary(RolloutPlan plan) {
    return "create" + plan.create()
        + " move" + plan.move().stream().map(RolloutPlan.Move::connection).toList()
        + " approve" + plan.approve().stream().map(a -> a.child().replace("tenants-", "") + "=" + a.planHash()).toList()
        + " retry" + plan.retry().stream().map(Child::connection).toList()
        + " release" + plan.release().stream().map(Child::connection).toList()
        + " " + plan.progress().phase()
        + " " + plan.progress().counts().getTotal() + "/" + plan.progress().counts().getUpdated() + "/"
        + plan.progress().counts().getReady() + "/" + plan.progress().counts().getFailed();
  }
}
