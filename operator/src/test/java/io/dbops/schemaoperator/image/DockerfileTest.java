package io.dbops.schemaoperator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker here to build the image, so its recipe is checked for what the chart and the Jobs rely
 * on: a Java 21 runtime, a numeric non-root user (runAsNonRoot can only verify a number), the jar at
 * the path the entrypoint names, and the class-data archive where migration Jobs look for it.
 */
class DockerfileTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theImageRunsTheJarOnJava21AsANumericNonRootUser() throws IOException {
    List<String> lines = instructions();
    assertThat(lines.get(0)).matches("FROM eclipse-temurin:21-jre(@sha256:[0-9a-f]{64})?");
    List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).as("one USER, before the entrypoint").hasSize(1);
    assertThat(users.get(0)).matches("USER [1-9][0-9]*:[1-9][0-9]*");
    assertThat(lines.indexOf(users.get(0))).isLessThan(indexOf(lines, "ENTRYPOINT"));
    assertThat(lines).contains("COPY operator/target/schema-operator.jar /app/schema-operator.jar",
        "CMD [\"run\"]");
  }

  @Test
  void theOperatorRunsWithTheJvmOptionsTheBenchmarksUse() throws IOException {
    Matcher property = Pattern.compile("<operator.jvm.options>([^<]*)</operator.jvm.options>")
        .matcher(Files.readString(ROOT.resolve("operator/pom.xml")));
    assertThat(property.find()).as("operator.jvm.options in operator/pom.xml").isTrue();
    List<String> options = List.of(property.group(1).trim().split("\\s+"));

    StringBuilder entrypoint = new StringBuilder("ENTRYPOINT [\"java\", ");
    options.forEach(o -> entrypoint.append('"').append(o).append("\", "));
    entrypoint.append("\"-jar\", \"/app/schema-operator.jar\"]");
    assertThat(instructions()).contains(entrypoint.toString());
  }

  @Test
  void theClassDataArchiveIsWhereMigrationJobsLookForIt() throws IOException {
    String dockerfile = String.join("\n", instructions());
    assertThat(dockerfile).contains("-XX:ArchiveClassesAtExit=" + MigrationJobBuilder.CLASS_DATA_ARCHIVE);
  }

  @Test
  void theBuildContextHoldsOnlyTheJarAndTheTrainingInput() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve(".dockerignore")))
        .containsExactly("*", "!operator/target/schema-operator.jar", "!examples/quickstart");
  }

  /** Instructions with continuation lines joined and comments dropped. */
  private static List<String> instructions() throws IOException {
    String text = Files.readString(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n\\s*", "");
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static int indexOf(List<String> lines, String keyword) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(keyword + " ")) {
        return i;
      }
    }
    return -1;
  }
}
