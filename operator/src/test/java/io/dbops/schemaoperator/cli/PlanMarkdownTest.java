package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.cli.LocalCommand.SchemaOutcome;
import io.dbops.schemaoperator.cli.PlanMarkdown.Entry;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Drift;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pull request comment when what it shows was written by someone hostile, or there is a lot of it. */
class PlanMarkdownTest {

  @Test
  void textFromAnEditedHistoryTableCannotMentionLinkOrBreakTheTable() {
    String hostile = "@octocat | ![x](https://evil.example/p.png) <img src=x> `tick` ``two``\nnext line";
    MigrationResult result = new MigrationResult(Operation.info, true, "1", null, List.of(),
        List.of(new AppliedScript("1", hostile, "SQL", "V1__a.sql", 1, 5, "2026-01-01T00:00:00Z", true)),
        List.of(new Drift("1", "V1__a.sql", hostile)), null);

    String doc = PlanMarkdown.render(List.of(new Entry(new SchemaOutcome("default", "s", "db", result), null)));

    List<String> rows = doc.lines().filter(l -> l.startsWith("| 1 |")).toList();
    assertThat(rows).hasSize(2).allSatisfy(row -> {
      assertThat(row).as("the hostile text sits in one code span").contains("```@octocat \\| ![x]").contains("next line```");
      assertThat(row.split("(?<!\\\\)\\|")).as("cells of %s", row).hasSizeGreaterThanOrEqualTo(4);
      assertThat(row).doesNotContain("\n").contains("next line");
    });
    assertThat(doc).doesNotContain("2026-01-01").as("no times: the same state gives the same comment");
  }

  @Test
  void namesAndMessagesAreOneLineAndCut() {
    assertThat(Markdown.code("a`b")).isEqualTo("``a`b``");
    assertThat(Markdown.code("`x`")).isEqualTo("`` `x` ``");
    assertThat(Markdown.text("add orders v2.1")).isEqualTo("add orders v2.1");
    assertThat(Markdown.text("see www.example.com")).isEqualTo("`see www.example.com`");
    assertThat(Markdown.text("_emphasis_")).isEqualTo("`_emphasis_`");
    assertThat(Markdown.oneLine("a\r\n\tb\u2028c")).isEqualTo("a b c");
    assertThat(Markdown.oneLine("left\u202Eright")).as("a bidi override shows").isEqualTo("left\uFFFDright");
    String cut = Markdown.oneLine("x".repeat(10_000));
    assertThat(cut).hasSize(Markdown.MAX_TEXT).endsWith("…");
    assertThat(Markdown.oneLine("x".repeat(Markdown.MAX_TEXT))).as("exactly the limit is kept whole").doesNotContain("…");
  }

  @Test
  void findingsGetTheirOwnSectionOnlyOnceAChecksRan() {
    MigrationResult result = new MigrationResult(Operation.info, true, "1", null,
        List.of(new PendingScript("2", "drop legacy", "SQL", "V2__drop_legacy.sql", 7)), null, List.of(), null);
    SchemaOutcome outcome = new SchemaOutcome("default", "s", "db", result);

    String unchecked = PlanMarkdown.render(List.of(new Entry(outcome, null)));
    String clean = PlanMarkdown.render(List.of(new Entry(outcome, List.of())));
    String found = PlanMarkdown.render(List.of(new Entry(outcome,
        List.of(new DestructiveChange(DestructiveChange.Kind.DropTable, "V2__drop_legacy.sql", 3, "legacy")))));

    assertThat(unchecked).doesNotContain("Destructive");
    assertThat(clean).contains("**Destructive changes:** none found");
    assertThat(found).contains("> **Destructive changes:** 1 statement in the scripts that would run can lose data.")
        .contains("| `V2__drop_legacy.sql` | 3 | DropTable | `legacy` |");
  }

  @Test
  void aLongPlanIsCutToFitOneCommentAndSaysWhereTheRestIs() {
    List<PendingScript> many = IntStream.rangeClosed(1, 1_000)
        .mapToObj(i -> new PendingScript(String.valueOf(i), "script number " + i, "SQL", "V" + i + "__script_number_" + i + ".sql", i))
        .toList();
    List<Entry> entries = new ArrayList<>();
    for (int s = 0; s < 200; s++) {
      entries.add(new Entry(new SchemaOutcome("default", "schema-" + s, "db",
          new MigrationResult(Operation.info, true, null, null, many, null, List.of(), null)), null));
    }

    String doc = PlanMarkdown.render(entries);

    assertThat(doc.length()).isLessThanOrEqualTo(PlanMarkdown.MAX_CHARS + 200).isLessThan(65_536);
    assertThat(doc).contains("… and 900 more (`plan -o json` lists them all)")
        .endsWith("**This plan was cut at 60000 characters** (200 schemas in all): `plan -o json` has everything.\n");
    assertThat(doc.lines().filter(l -> l.startsWith("| 101 |"))).as("at most 100 rows per list").isEmpty();
  }
}
