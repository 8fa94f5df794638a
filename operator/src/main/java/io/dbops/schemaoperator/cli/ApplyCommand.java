package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.model.DestructivePolicy;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Bring the databases described in YAML files to their schemas, as the operator would.")
final class ApplyCommand extends LocalCommand {

  @Option(names = "--approve-destructive",
      description = "Apply destructive changes that spec.policy.destructive RequireApproval holds back (read them with plan"
          + " first). Refuse is never overridden.")
  boolean approveDestructive;

  @Override
  MigrationResult run(LocalTarget target, PrintWriter progress) {
    MigrationEngine engine = target.engine(progress::println);
    MigrationFailure refused = destructiveRefusal(target, engine);
    return refused == null ? engine.migrate() : MigrationResult.failed(MigrationResult.Operation.migrate, refused);
  }

  /**
   * spec.policy.destructive as the operator applies it, for a run with no operator to wait for an
   * approval: Refuse refuses the run, and so does RequireApproval unless --approve-destructive says
   * a person has read the plan. Null when the run may go on.
   */
  private MigrationFailure destructiveRefusal(LocalTarget target, MigrationEngine engine) {
    DestructivePolicy policy = target.destructive();
    if (policy == DestructivePolicy.Allow || policy == DestructivePolicy.RequireApproval && approveDestructive) {
      return null;
    }
    MigrationResult state = engine.info();
    List<PendingScript> pending = state.success() ? state.pending()
        // A database apply will create runs every script.
        : state.failure().reason() == FailureReason.DatabaseMissing && target.connection().createDatabase()
            ? target.scripts().asPending() : List.of();
    List<DestructiveChange> found = target.destructiveChanges(pending);
    if (found.isEmpty()) {
      return null;
    }
    String how = policy == DestructivePolicy.Refuse
        ? "spec.policy.destructive is Refuse: change the script, or set the policy to RequireApproval (then apply"
            + " --approve-destructive) or Allow"
        : "spec.policy.destructive is RequireApproval: read them with plan, then apply --approve-destructive";
    return new MigrationFailure(FailureReason.DestructiveChange, null, found.get(0).script(), null, found.get(0).describe()
        + (found.size() == 1 ? "" : " (and " + (found.size() - 1) + " more: see plan)") + ". Nothing was applied: " + how,
        false, null);
  }

  @Override
  MigrationResult.Operation operation() {
    return MigrationResult.Operation.migrate;
  }

  @Override
  void printTable(SchemaOutcome outcome, PrintWriter out) {
    MigrationResult r = outcome.result();
    if (!r.success()) {
      return;
    }
    out.println("schema " + outcome.name() + ": " + (r.applied().isEmpty() ? "already up to date" : "applied " + r.applied().size())
        + ", now at version " + (r.currentVersion() == null ? "(none)" : r.currentVersion())
        + (r.pending().isEmpty() ? "" : ", " + r.pending().size() + " beyond target"));
    if (!r.applied().isEmpty()) {
      TextTable table = new TextTable("VERSION", "DESCRIPTION", "TYPE", "CHECKSUM", "TIME");
      for (AppliedScript a : r.applied()) {
        table.row(a.version() == null ? "(repeatable)" : a.version(), a.description(), a.type(), a.checksum(), a.millis() + " ms");
      }
      table.print(out);
    }
  }
}
