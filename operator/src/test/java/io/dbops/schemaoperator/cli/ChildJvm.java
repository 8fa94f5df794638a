package io.dbops.schemaoperator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs `schema-operator ARGS` in a fresh JVM with exactly the environment given, as a Pod would. */
final class ChildJvm {
  record Outcome(int exitCode, String stdout, String stderr) {
    String lastStdoutLine() {
      List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private ChildJvm() {}

  static Outcome run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    try (Running child = start(env, args)) {
      if (!child.process().waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("schema-operator " + String.join(" ", args) + " did not finish within 120 s");
      }
      return new Outcome(child.process().exitValue(), child.stdout(), child.stderr());
    }
  }

  /** A child still running; closing it kills it if it has not ended. */
  record Running(Process process, Path out, Path err) implements AutoCloseable {
    String stdout() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  static Running start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SchemaOperatorCommand.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    Path out = Files.createTempFile("child", ".out");
    Path err = Files.createTempFile("child", ".err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Running(builder.start(), out, err);
  }
}
