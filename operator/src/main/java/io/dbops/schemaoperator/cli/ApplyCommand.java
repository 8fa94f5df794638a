package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Bring the databases described in YAML files to their schemas, as the operator would.")
final class ApplyCommand extends LocalCommand {

  @Override
  MigrationResult run(LocalTarget target, PrintWriter progress) {
    return target.engine(progress::println).migrate();
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
