package io.dbops.schemaoperator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbops.schemaoperator.cli.SchemaOperatorCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/ci's GitHub Actions workflow, run here as a runner would run it: every `run:` script of
 * the job, in order, with bash as the workflow asks, from the repository's root, with the workflow's
 * environment. Two things differ, and only these: `$SCHEMA_OPERATOR` runs this build's code in a
 * JVM instead of the released image (there is no Docker here), and `gh` is a stand-in that answers
 * from a canned comment list (applying the workflow's own --jq filter with jq) and records what it
 * would post.
 */
class CiWorkflowTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORKFLOW = ROOT.resolve("examples/ci/.github/workflows/schema-plan.yml");
  private static final String MARKER = "<!-- schema-operator plan -->";
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{.*?}}");
  /** What the runner would put in place of the expressions in the workflow's env. */
  private static final Map<String, String> CONTEXT = Map.of(
      "GH_TOKEN", "test-token", "GH_REPO", "acme/shop", "PR_NUMBER", "7");

  private static JsonNode workflow;
  private static JsonNode job;

  @TempDir Path runner;

  @BeforeAll
  static void readWorkflow() throws IOException {
    workflow = new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
    job = workflow.path("jobs").path("plan");
    assertThat(job.isObject()).as("job plan in %s", WORKFLOW).isTrue();
  }

  @Test
  void itRunsOnPullRequestsThatTouchTheManifestsWithOnlyTheRightsItNeeds() {
    String manifests = job.path("env").path("MANIFESTS").asText();
    assertThat(ROOT.resolve(manifests)).isDirectory();
    JsonNode trigger = workflow.has("on") ? workflow.path("on") : workflow.path("true");
    assertThat(trigger.path("pull_request").path("paths")).extracting(JsonNode::asText).contains(manifests + "/**");
    assertThat(workflow.path("permissions").path("contents").asText()).isEqualTo("read");
    assertThat(workflow.path("permissions").path("pull-requests").asText()).isEqualTo("write");
    assertThat(workflow.path("defaults").path("run").path("shell").asText()).isEqualTo("bash");
    for (JsonNode step : job.path("steps")) {
      // An expression inside a script is pasted in before bash reads it: a branch name could run code.
      assertThat(step.path("run").asText()).as("step %s", step.path("name").asText()).doesNotContain("${{");
    }
  }

  @Test
  void theImageItRunsIsTheOperatorsOwnAtTheChartsVersion() throws IOException {
    String appVersion = Files.readAllLines(ROOT.resolve("helm/schema-operator/Chart.yaml")).stream()
        .filter(l -> l.startsWith("appVersion:")).map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
        .findFirst().orElseThrow();
    String repository = Files.readAllLines(ROOT.resolve("helm/schema-operator/values.yaml")).stream()
        .filter(l -> l.trim().startsWith("repository:")).map(l -> l.trim().substring("repository:".length()).trim())
        .findFirst().orElseThrow();
    assertThat(job.path("env").path("SCHEMA_OPERATOR").asText())
        .startsWith("docker run --rm -v ${{ github.workspace }}:/work:ro -w /work ")
        .endsWith(" " + repository + ":" + appVersion);
    assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("ENTRYPOINT [\"java\"").contains("-jar\", \"/app/schema-operator.jar\"]");
  }

  @Test
  void theJobPlansPostsTheCommentAndAppliesTheExampleToAnEmptyDatabase() throws Exception {
    List<Step> steps = steps();
    assertThat(steps).extracting(Step::script).anySatisfy(s -> assertThat(s).contains("$SCHEMA_OPERATOR plan -o markdown --embedded"))
        .anySatisfy(s -> assertThat(s).contains("$SCHEMA_OPERATOR apply --embedded"));
    Files.writeString(runner.resolve("comments.json"), "[]");

    for (Step step : steps) {
      Result result = run(step);
      assertThat(result.exitCode()).as("step %s:%n%s", step.name(), result.output()).isZero();
    }

    String plan = Files.readString(runner.resolve("temp/plan.md"));
    assertThat(plan).startsWith(MARKER + "\n").contains("| `shop` | `shop-db` | none | 4 | none |");
    assertThat(plan.lines().filter(l -> l.matches("\\| \\d+ \\| .*")).map(l -> l.split("\\|")[4].trim()))
        .as("every script, in Flyway's order").containsExactly(
            "`V1__create_products.sql`", "`V2__create_orders.sql`", "`V3__orders_placed_at_index.sql`", "`R__daily_sales_view.sql`");
    assertThat(plan.lines().filter(l -> l.matches("\\| \\d+ \\| .*")))
        .allSatisfy(l -> assertThat(l).as("checksum of %s", l).matches(".*\\| `-?\\d+` \\|$"));
    assertThat(Files.readString(runner.resolve("summary.md"))).isEqualTo(plan);
    assertThat(Files.readAllLines(runner.resolve("gh.log"))).last().isEqualTo("pr comment 7 --body-file " + runner.resolve("temp/plan.md"));
    assertThat(Files.readString(runner.resolve("posted.md"))).isEqualTo(plan);
    assertThat(Files.readString(runner.resolve("step-Apply to an empty database.out")))
        .contains("schema shop: applied 4, now at version 3");
  }

  @Test
  void onTheNextPushItEditsItsOwnEarlierCommentNotSomeoneElses() throws Exception {
    Step post = steps().stream().filter(s -> s.script().contains("gh ")).findFirst().orElseThrow();
    Files.createDirectories(runner.resolve("temp"));
    Files.writeString(runner.resolve("temp/plan.md"), MARKER + "\n## Database schema plan\n\nupdated\n");
    Files.writeString(runner.resolve("comments.json"), """
        [{"id": 11, "user": {"login": "someone"}, "body": "%1$s\\nquoted by a person"},
         {"id": 12, "user": {"login": "github-actions[bot]"}, "body": "%1$s\\nthe first plan"},
         {"id": 13, "user": {"login": "github-actions[bot]"}, "body": "Tests passed"}]
        """.formatted(MARKER));

    Result result = run(post);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readAllLines(runner.resolve("gh.log"))).last()
        .isEqualTo("api --method PATCH repos/acme/shop/issues/comments/12 -F body=@" + runner.resolve("temp/plan.md"));
    assertThat(Files.readString(runner.resolve("posted.md"))).contains("updated");
  }

  @Test
  void withNothingToPostTheCommentStepFailsWithoutTouchingAnyComment() throws Exception {
    Step post = steps().stream().filter(s -> s.script().contains("gh ")).findFirst().orElseThrow();
    Files.createDirectories(runner.resolve("temp"));
    Files.writeString(runner.resolve("temp/plan.md"), "");

    Result result = run(post);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("the plan step wrote nothing to post");
    assertThat(runner.resolve("gh.log")).doesNotExist();
    assertThat(post.continueOnError()).as("a failed comment does not fail the check").isTrue();
  }

  record Step(String name, String script, Map<String, String> env, boolean continueOnError) {}

  record Result(int exitCode, String output) {}

  private static List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    for (JsonNode step : job.path("steps")) {
      if (step.has("run")) {
        Map<String, String> env = new LinkedHashMap<>();
        step.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        steps.add(new Step(step.path("name").asText(), step.path("run").asText(), env, step.path("continue-on-error").asBoolean()));
      }
    }
    return steps;
  }

  /** One step as the runner runs it: `bash --noprofile --norc -eo pipefail` on the script, from the checkout. */
  private Result run(Step step) throws IOException, InterruptedException {
    Path script = runner.resolve("step.sh");
    Files.writeString(script, step.script());
    ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
        .directory(ROOT.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", bin() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", runner.toString());
    env.put("RUNNER_TEMP", Files.createDirectories(runner.resolve("temp")).toString());
    env.put("GITHUB_STEP_SUMMARY", runner.resolve("summary.md").toString());
    env.put("FAKE_GH_DIR", runner.toString());
    Map<String, String> declared = new LinkedHashMap<>();
    workflow.path("env").fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue().asText()));
    job.path("env").fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue().asText()));
    declared.putAll(step.env());
    declared.forEach((name, value) -> env.put(name, resolve(name, value)));
    Path output = runner.resolve("step-" + step.name() + ".out");
    Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("step " + step.name() + " did not finish within 300 s: " + Files.readString(output));
    }
    return new Result(process.exitValue(), Files.readString(output));
  }

  private String resolve(String name, String value) {
    if (name.equals("SCHEMA_OPERATOR")) {
      return runner.resolve("bin/schema-operator").toString();
    }
    Matcher expression = EXPRESSION.matcher(value);
    if (!expression.find()) {
      return value;
    }
    assertThat(CONTEXT).as("what the runner puts in place of %s in %s", expression.group(), name).containsKey(name);
    return CONTEXT.get(name);
  }

  /** This build's schema-operator, and the stand-in for gh. */
  private Path bin() throws IOException {
    Path bin = Files.createDirectories(runner.resolve("bin"));
    executable(bin.resolve("schema-operator"), """
        #!/bin/sh
        exec '%s' -cp '%s' %s "$@"
        """.formatted(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"),
        SchemaOperatorCommand.class.getName()));
    executable(bin.resolve("gh"), """
        #!/bin/bash
        # Records each call; answers a comment listing from comments.json through the caller's --jq
        # filter; keeps what a comment would say in posted.md.
        set -euo pipefail
        echo "$*" >> "$FAKE_GH_DIR/gh.log"
        args=("$@")
        for ((i = 0; i < ${#args[@]}; i++)); do
          case "${args[i]}" in
            --jq) jq -r "${args[i + 1]}" "$FAKE_GH_DIR/comments.json" ;;
            --body-file) cp "${args[i + 1]}" "$FAKE_GH_DIR/posted.md" ;;
            body=@*) cp "${args[i]#body=@}" "$FAKE_GH_DIR/posted.md" ;;
          esac
        done
        """);
    return bin;
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
