package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Drift;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check the files, then check that every applied script still matches the database's history (drift).")
final class ValidateCommand extends LocalCommand {

  @Override
  MigrationResult run(LocalTarget target, PrintWriter progress) {
    return target.engine(progress::println).validate();
  }

  @Override
  MigrationResult.Operation operation() {
    return MigrationResult.Operation.validate;
  }

  @Override
  void printTable(SchemaOutcome outcome, PrintWriter out) {
    MigrationResult r = outcome.result();
    if (r.success()) {
      out.println("schema " + outcome.name() + ": valid, at version " + (r.currentVersion() == null ? "(none)" : r.currentVersion())
          + (r.pending().isEmpty() ? "" : ", " + r.pending().size() + " pending"));
      return;
    }
    if (!r.drift().isEmpty()) {
      TextTable table = new TextTable("VERSION", "SCRIPT", "PROBLEM");
      for (Drift d : r.drift()) {
        table.row(d.version() == null ? "(repeatable)" : d.version(), d.script(), d.message());
      }
      table.print(out);
    }
  }
}
