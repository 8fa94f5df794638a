package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a newcomer runs it from README.md. Service files, Flyway's plugins and library
 * versions are merged by shading, and mistakes there show only in the jar.
 */
class ExecutableJarIT {
  private static final Path JAR = Path.of("target", "schema-operator.jar");

  record Outcome(int exitCode, String stdout, String stderr) {}

  @Test
  void printsItsVersionAndHelp() throws Exception {
    Outcome version = run("--version");
    Outcome help = run("--help");

    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout()).startsWith("schema-operator ").doesNotContain("development build");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("migrate", "apply", "plan", "validate", "Exit codes");
  }

  @Test
  void quickstartAppliesToAnEmbeddedDatabase() throws Exception {
    Outcome run = run("apply", "-f", Path.of("..", "examples", "quickstart").toString(), "--embedded");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("schema app-schema: applied 4, now at version 3");
    assertThat(run.stderr()).contains("applied  V3__create_orders.sql");
  }

  @Test
  void anUnknownFlagIsBadConfiguration() throws Exception {
    Outcome run = run("apply", "-f", "examples", "--no-such-flag");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.stderr()).contains("--no-such-flag");
  }

  private static Outcome run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("jar", ".out");
    Path err = Files.createTempFile("jar", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("java -jar schema-operator.jar " + String.join(" ", args) + " did not finish in 180 s");
    }
    return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
