package io.dbops.schemaoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's keytool, which makes and signs the test certificates: no other tool is needed for them. */
public final class Keytool {
  private Keytool() {}

  /** The running JDK's keytool, else the one on PATH. */
  public static String path() {
    Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    return Files.isExecutable(tool) ? tool.toString() : "keytool";
  }

  /** Runs a keytool command line; fails with keytool's own output when it does. */
  public static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool did not finish: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
