package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.io.PrintWriter;
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
  }
}
