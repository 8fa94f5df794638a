package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.controller.schema.DriftVerdict;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Drift;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show which scripts would run, with their checksums, and any drift, without changing anything.")
final class PlanCommand extends LocalCommand {

  @Option(names = "--fail-on-drift",
      description = "Exit 1 (a person must act) when any schema has drifted, as apply would fail there. Without it, plan"
          + " reports drift and exits 0.")
  boolean failOnDrift;

  @Override
  MigrationResult run(LocalTarget target, PrintWriter progress) {
    MigrationEngine engine = target.engine(progress::println);
    MigrationResult info = engine.info();
    if (!info.success()) {
      if (info.failure().reason() == FailureReason.DatabaseMissing && target.connection().createDatabase()) {
        // Nothing to read yet: the database would be created, then every script would run.
        progress.println("database " + target.connection().database() + " does not exist yet; apply would create it");
        return new MigrationResult(MigrationResult.Operation.info, true, null, null, target.scripts().asPending(), null, null, null);
      }
      return info;
    }
    // The operator's own judgement of drift, so that plan says what the operator would say.
    MigrationResult validation = engine.validate();
    DriftVerdict verdict = DriftVerdict.of(validation, info.currentVersion(), List.of(target.scripts().scripts()));
    if (!verdict.known()) {
      return MigrationResult.failed(MigrationResult.Operation.info, validation.failure());
    }
    List<Drift> drift = new ArrayList<>(validation.drift());
    if (drift.isEmpty() && verdict.problem() != null) {
      drift.add(new Drift(info.currentVersion(), null, verdict.problem()));
    }
    return new MigrationResult(MigrationResult.Operation.info, true, info.currentVersion(), null, info.pending(),
        info.history(), drift, null);
  }

  /** The destructive changes in the scripts that would run, as the operator reads them for spec.policy.destructive. */
  @Override
  List<DestructiveChange> findings(LocalTarget target, MigrationResult result) {
    if (!result.success() || result.pending().isEmpty()) {
      return List.of();
    }
    return target.destructiveChanges(result.pending());
  }

  @Override
  MigrationResult.Operation operation() {
    return MigrationResult.Operation.info;
  }

  @Override
  int exitCode(List<SchemaOutcome> outcomes) {
    int code = super.exitCode(outcomes);
    boolean drifted = outcomes.stream().anyMatch(o -> !o.result().drift().isEmpty());
    return failOnDrift && drifted ? ExitCode.worse(code, ExitCode.MIGRATION_FAILED) : code;
  }

  @Override
  boolean writesMarkdown() {
    return true;
  }

  @Override
  void printMarkdown(List<SchemaOutcome> outcomes, PrintWriter out) {
    // A plan that could not read the database checked nothing: null leaves the findings' section out.
    out.print(PlanMarkdown.render(outcomes.stream()
        .map(o -> new PlanMarkdown.Entry(o, o.result().success() ? o.findings() : null)).toList()));
  }

  @Override
  void printTable(SchemaOutcome outcome, PrintWriter out) {
    MigrationResult r = outcome.result();
    if (!r.success()) {
      return;
    }
    out.println("schema " + outcome.name() + ": at version " + (r.currentVersion() == null ? "(none)" : r.currentVersion())
        + ", " + (r.pending().isEmpty() ? "nothing to apply" : r.pending().size() + " to apply")
        + (r.drift().isEmpty() ? "" : ", DRIFTED (" + r.drift().size() + ")"));
    if (!r.pending().isEmpty()) {
      TextTable table = new TextTable("VERSION", "DESCRIPTION", "SCRIPT", "CHECKSUM");
      for (PendingScript p : r.pending()) {
        table.row(p.version() == null ? "(repeatable)" : p.version(), p.description(), p.script(), p.checksum());
      }
      table.print(out);
    }
    if (!r.drift().isEmpty()) {
      TextTable table = new TextTable("DRIFTED", "SCRIPT", "PROBLEM");
      for (Drift d : r.drift()) {
        table.row(d.version() == null ? "(repeatable)" : d.version(), d.script(), d.message());
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
