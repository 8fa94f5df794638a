package io.dbops.schemaoperator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output compared with a file kept in the repository, byte for byte, so a reviewer sees every
 * change to it in a diff. After an intended change, rewrite the files with
 * {@code mvn -pl operator test -Dtest=... -Dgolden.update=true} and review the diff.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(Path golden, String actual) {
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
      }
      assertThat(Files.exists(golden)).as("%s exists (write it with -Dgolden.update=true, then review it)", golden).isTrue();
      assertThat(actual).as("output against %s (after an intended change: -Dgolden.update=true)", golden)
          .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
