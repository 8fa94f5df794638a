package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.DestructiveChanges;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show which scripts would run, with their checksums, without running them.")
final class PlanCommand extends LocalCommand {

  @Override
  MigrationResult run(LocalTarget target, PrintWriter progress) {
    MigrationResult info = target.engine(progress::println).info();
    if (!info.success() && info.failure().reason() == FailureReason.DatabaseMissing && target.connection().createDatabase()) {
      // Nothing to read yet: the database would be created, then every script would run.
      progress.println("database " + target.connection().database() + " does not exist yet; apply would create it");
      return new MigrationResult(MigrationResult.Operation.info, true, null, null, target.scripts().asPending(), null, null, null);
    }
    return info;
  }

  /** The destructive changes in the scripts that would run, as the operator reads them for spec.policy.destructive. */
  @Override
  List<DestructiveChange> findings(LocalTarget target, MigrationResult result) {
    if (!result.success() || result.pending().isEmpty()) {
      return List.of();
    }
    Map<String, String> texts = target.scripts().scripts();
    List<DestructiveChanges.Script> pending = result.pending().stream().filter(p -> texts.containsKey(p.script()))
        .map(p -> new DestructiveChanges.Script(p.script(), texts.get(p.script()))).toList();
    return DestructiveChanges.in(target.connection().engine(), target.settings(), target.connection().database(), pending);
  }

  @Override
  MigrationResult.Operation operation() {
    return MigrationResult.Operation.info;
  }

  @Override
  void printTable(SchemaOutcome outcome, PrintWriter out) {
    MigrationResult r = outcome.result();
    if (!r.success()) {
      return;
    }
    out.println("schema " + outcome.name() + ": at version " + (r.currentVersion() == null ? "(none)" : r.currentVersion())
        + ", " + (r.pending().isEmpty() ? "nothing to apply" : r.pending().size() + " to apply"));
    if (!r.pending().isEmpty()) {
      TextTable table = new TextTable("VERSION", "DESCRIPTION", "SCRIPT", "CHECKSUM");
      for (PendingScript p : r.pending()) {
        table.row(p.version() == null ? "(repeatable)" : p.version(), p.description(), p.script(), p.checksum());
      }
      table.print(out);
    }
    if (!outcome.findings().isEmpty()) {
      out.println("destructive changes (spec.policy.destructive decides what the operator does with them):");
      TextTable findings = new TextTable("SCRIPT", "STATEMENT", "KIND", "OBJECT");
      for (DestructiveChange f : outcome.findings()) {
        findings.row(f.script(), f.statement(), f.kind(), f.object());
      }
      findings.print(out);
    }
  }
}
