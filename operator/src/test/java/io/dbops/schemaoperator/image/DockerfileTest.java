package io.dbops.schemaoperator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.builders.MigrationJobBuilder;
import io.dbops.schemaoperator.jobenv.MigrateJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image's recipe, checked for what the chart and the Jobs rely on: a Java 25 runtime by default
 * (a base of the caller's choosing, so ImageIT can build it from a local one), a numeric non-root
 * user (runAsNonRoot can only verify a number), the jar at the path the entrypoint names, and the
 * AOT cache made with MigrateJvm's training options where Jobs and the entrypoint look for it.
 */
class DockerfileTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theImageRunsTheJarOnAJava25BaseThatABuildArgumentCanReplaceAsANumericNonRootUser() throws IOException {
    List<String> lines = instructions();
    assertThat(lines.get(0)).matches("ARG BASE=eclipse-temurin:25-jre(@sha256:[0-9a-f]{64})?");
    assertThat(lines.get(1)).isEqualTo("FROM ${BASE}");
    List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).as("one USER, before the entrypoint").hasSize(1);
    assertThat(users.get(0)).matches("USER [1-9][0-9]*:[1-9][0-9]*");
    assertThat(lines.indexOf(users.get(0))).isLessThan(indexOf(lines, "ENTRYPOINT"));
    assertThat(lines).contains("COPY operator/target/schema-operator.jar /app/schema-operator.jar",
        "CMD [\"run\"]");
  }

  @Test
  void theOperatorRunsWithTheJvmOptionsTheBenchmarksUseAndTheAotCache() throws IOException {
    Matcher property = Pattern.compile("<operator.jvm.options>([^<]*)</operator.jvm.options>")
        .matcher(Files.readString(ROOT.resolve("operator/pom.xml")));
    assertThat(property.find()).as("operator.jvm.options in operator/pom.xml").isTrue();
    List<String> options = List.of(property.group(1).trim().split("\\s+"));

    StringBuilder entrypoint = new StringBuilder("ENTRYPOINT [\"java\", ");
    options.forEach(o -> entrypoint.append('"').append(o).append("\", "));
    entrypoint.append("\"-XX:AOTCache=").append(MigrationJobBuilder.AOT_CACHE).append("\", ");
    entrypoint.append("\"-jar\", \"/app/schema-operator.jar\"]");
    assertThat(instructions()).contains(entrypoint.toString());
  }

  @Test
  void theAotCacheIsTrainedWithTheJobsOptionsWhereJobsLookForIt() throws IOException {
    String training = "RUN java " + String.join(" ", MigrateJvm.trainingOptions(Path.of(MigrationJobBuilder.AOT_CACHE)))
        + " -jar /app/schema-operator.jar train -f /tmp/training";
    assertThat(instructions()).anySatisfy(line -> assertThat(line).startsWith(training));
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
