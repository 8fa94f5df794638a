package io.dbops.schemaoperator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own promtool, for what only Prometheus can say: whether it parses a query or loads a
 * rules file. Without promtool on the PATH the caller fails, saying how to install it.
 */
public final class Promtool {
  public record Result(int exitCode, String output) {}

  private Promtool() {}

  public static Result run(Path directory, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package"
          + " (apt-get install prometheus; .ci/install-native-deps does it) or put Prometheus's promtool on the PATH", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool did not finish within 60 s: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
