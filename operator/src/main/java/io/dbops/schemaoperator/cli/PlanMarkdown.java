package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.cli.LocalCommand.SchemaOutcome;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Drift;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.util.ArrayList;
import java.util.List;

/**
 * `plan -o markdown`: one document for a pull request comment. The same database state gives the
 * same bytes (no times, durations, hosts or ports), so a pipeline that edits its comment on every
 * push changes it only when the plan changed. It stays under GitHub's 65,536-character limit for a
 * comment: long lists are cut with a note, and `plan -o json` has everything.
 */
final class PlanMarkdown {
  /** Marks the comment, so a pipeline can find its own earlier one. */
  static final String MARKER = "<!-- schema-operator plan -->";
  static final int MAX_CHARS = 60_000;
  static final int MAX_ROWS = 100;
  /** Flyway's history row for the schemas it created: bookkeeping, not a script anyone wrote. */
  private static final String SCHEMA_CREATION = "SCHEMA";
  private static final String BASELINE = "BASELINE";

  /**
   * One schema's part of the document.
   *
   * @param findings destructive statements found in the pending scripts; null when no check ran,
   *     which leaves the section out rather than claim that nothing was found
   */
  record Entry(SchemaOutcome outcome, List<DestructiveChange> findings) {}

  private final List<String> blocks = new ArrayList<>();

  private PlanMarkdown() {}

  static String render(List<Entry> entries) {
    PlanMarkdown doc = new PlanMarkdown();
    doc.summary(entries);
    for (Entry entry : entries) {
      doc.schema(entry);
    }
    return doc.join(entries.size());
  }

  /** What a pipeline posts when the files themselves could not be read. */
  static String configurationError(String message) {
    return MARKER + "\n## Database schema plan\n\n> [!WARNING]\n> **Could not read the manifests:** "
        + Markdown.code(message) + "\n";
  }

  private void summary(List<Entry> entries) {
    add(MARKER + "\n## Database schema plan\n\n| schema | connection | version now | to apply | drift |\n|---|---|---|--:|---|\n");
    for (Entry entry : entries) {
      SchemaOutcome o = entry.outcome();
      MigrationResult r = o.result();
      String row = r.success()
          ? "| " + cell(schemaName(o)) + " | " + cell(Markdown.code(o.connection())) + " | "
              + (r.currentVersion() == null ? "none" : cell(Markdown.text(r.currentVersion())))
              + " | " + r.pending().size() + " | " + (r.drift().isEmpty() ? "none" : "**" + scripts(r.drift().size()) + "**")
              + " |\n"
          : "| " + cell(schemaName(o)) + " | " + cell(Markdown.code(o.connection())) + " | — | — | plan failed: "
              + (r.failure() == null ? "unknown" : cell(Markdown.text(r.failure().reason().name()))) + " |\n";
      add(row);
    }
  }

  private void schema(Entry entry) {
    SchemaOutcome o = entry.outcome();
    MigrationResult r = o.result();
    StringBuilder head = new StringBuilder("\n### ").append(schemaName(o)).append("\n\n");
    if (!r.success()) {
      add(head.append(r.failure() == null ? "> [!WARNING]\n> **Could not plan.**\n" : failure(r.failure())).toString());
      return;
    }
    head.append("Connection ").append(Markdown.code(o.connection())).append(". ")
        .append(r.currentVersion() == null ? "No version applied yet" : "The database is at version **"
            + Markdown.text(r.currentVersion()) + "**")
        .append("; ").append(r.pending().isEmpty() ? "nothing would run" : "**" + scripts(r.pending().size()) + "** would run")
        .append(".\n");
    add(head.toString());
    if (!r.drift().isEmpty()) {
      drift(r.drift());
    }
    if (!r.pending().isEmpty()) {
      pending(r.pending());
    }
    if (entry.findings() != null) {
      findings(entry.findings());
    }
    List<AppliedScript> applied = r.history() == null ? List.of()
        : r.history().stream().filter(a -> !SCHEMA_CREATION.equals(a.type())).toList();
    if (!applied.isEmpty()) {
      applied(applied, r.history().size() >= MigrationEngine.HISTORY_LIMIT);
    }
  }

  private void drift(List<Drift> drift) {
    add("\n> [!CAUTION]\n> **Drift:** " + drift.size() + (drift.size() == 1 ? " difference" : " differences")
        + " between the scripts and the database's history. `apply` and the operator migrate nothing here until a"
        + " person puts it right (README: DatabaseSchemaDrifted).\n\n| version | script | problem |\n|---|---|---|\n");
    rows(drift, d -> "| " + version(d.version()) + " | " + cell(Markdown.code(d.script())) + " | "
        + cell(Markdown.code(d.message())) + " |\n");
  }

  private void pending(List<PendingScript> pending) {
    add("\n**Would run, in this order:**\n\n| # | version | description | script | checksum |\n|--:|---|---|---|--:|\n");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      PendingScript p = pending.get(i);
      rows.add("| " + (i + 1) + " | " + version(p.version()) + " | " + cell(Markdown.text(p.description())) + " | "
          + cell(Markdown.code(p.script())) + " | " + checksum(p.checksum()) + " |\n");
    }
    rows(rows, row -> row);
  }

  private void findings(List<DestructiveChange> findings) {
    if (findings.isEmpty()) {
      add("\n**Destructive changes:** none found in the scripts that would run.\n");
      return;
    }
    add("\n> [!WARNING]\n> **Destructive changes:** " + findings.size()
        + (findings.size() == 1 ? " statement" : " statements") + " in the scripts that would run can lose data.\n\n"
        + "| script | statement | kind | object |\n|---|--:|---|---|\n");
    rows(findings, f -> "| " + cell(Markdown.code(f.script())) + " | " + f.statement()
        + " | " + cell(Markdown.text(f.kind().name())) + " | " + cell(Markdown.code(f.object())) + " |\n");
  }

  private void applied(List<AppliedScript> history, boolean cut) {
    add("\n<details>\n<summary>Already applied: " + (cut ? "the last " : "") + scripts(history.size())
        + ", oldest first</summary>\n\n"
        + "| version | description | script | checksum | result |\n|---|---|---|--:|---|\n");
    rows(history, a -> "| " + version(a.version()) + " | " + cell(Markdown.text(a.description())) + " | "
        + cell(Markdown.code(a.script())) + " | " + checksum(a.checksum()) + " | "
        + (Boolean.FALSE.equals(a.success()) ? "**failed**" : BASELINE.equals(a.type()) ? "baseline" : "applied") + " |\n");
    add("\n</details>\n");
  }

  private static String failure(MigrationFailure f) {
    StringBuilder s = new StringBuilder("> [!WARNING]\n> **Could not plan** (").append(Markdown.text(f.reason().name()))
        .append(f.transientError() ? ", transient: running again may help" : "").append("): ")
        .append(Markdown.code(f.message())).append('\n');
    if (f.script() != null) {
      s.append(">\n> Script ").append(Markdown.code(f.script()))
          .append(f.sqlState() == null ? "" : ", SQLSTATE " + Markdown.code(f.sqlState())).append(".\n");
    }
    return s.toString();
  }

  private <T> void rows(List<T> items, java.util.function.Function<T, String> row) {
    for (int i = 0; i < items.size() && i < MAX_ROWS; i++) {
      add(row.apply(items.get(i)));
    }
    if (items.size() > MAX_ROWS) {
      add("\n… and " + (items.size() - MAX_ROWS) + " more (`plan -o json` lists them all).\n");
    }
  }

  private void add(String block) {
    blocks.add(block);
  }

  /** The blocks that fit the limit, and a note in place of the rest. */
  private String join(int schemas) {
    StringBuilder doc = new StringBuilder();
    for (String block : blocks) {
      if (doc.length() + block.length() > MAX_CHARS) {
        doc.append("\n\n**This plan was cut at ").append(MAX_CHARS).append(" characters** (")
            .append(schemas == 1 ? "one schema" : schemas + " schemas")
            .append(" in all): `plan -o json` has everything.\n");
        return doc.toString();
      }
      doc.append(block);
    }
    return doc.toString();
  }

  private static String schemaName(SchemaOutcome o) {
    return Markdown.code(ManifestSet.DEFAULT_NAMESPACE.equals(o.namespace()) ? o.name() : o.namespace() + "/" + o.name());
  }

  private static String version(String version) {
    return version == null ? "(repeatable)" : cell(Markdown.text(version));
  }

  private static String checksum(Integer checksum) {
    return checksum == null ? "—" : "`" + checksum + "`";
  }

  private static String scripts(int n) {
    return n == 1 ? "1 script" : n + " scripts";
  }

  private static String cell(String rendered) {
    return Markdown.cell(rendered);
  }
}
