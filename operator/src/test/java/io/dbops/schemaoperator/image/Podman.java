package io.dbops.schemaoperator.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line, run as root with the settings .ci/install-native-deps writes to
 * /etc/containers/containers.conf (runc, cgroupfs, no default ulimits).
 */
final class Podman {
  record Outcome(int exitCode, String stdout, String stderr) {
    Outcome orFail(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + tail(stdout) + "\n" + tail(stderr));
      }
      return this;
    }

    private static String tail(String text) {
      return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }
  }

  private Podman() {}

  static Outcome run(Duration limit, List<String> args) {
    return run(limit, args, null);
  }

  /** Runs {@code podman ARGS}, with {@code stdin} as its standard input when given. */
  static Outcome run(Duration limit, List<String> args, Path stdin) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    return exec(limit, command, stdin);
  }

  /** Any command, mmdebstrap too, with the same time limit and the output kept for the failure message. */
  static Outcome exec(Duration limit, List<String> command, Path stdin) {
    try {
      Path out = Files.createTempFile("podman", ".out");
      Path err = Files.createTempFile("podman", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin != null) {
        builder.redirectInput(stdin.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + limit.toSeconds() + " s:\n"
            + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      Outcome outcome = new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return outcome;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " (.ci/install-native-deps installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
