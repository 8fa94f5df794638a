package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * crds/ is what users and the Helm chart install, but the model classes are the source of truth:
 * a model change without a refreshed crds/ would ship a CRD that disagrees with the operator.
 */
class CrdsUpToDateTest {
  private static final Path COMMITTED = Path.of("..", "crds");
  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
  private static final String REFRESH =
      "crds/ is out of date with the model classes. From the repository root run:%n"
          + "  mvn -B -q -pl operator process-test-classes && cp operator/target/classes/META-INF/fabric8/*.yml crds/"
          + " helm/schema-operator/crds/%n";

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    TreeSet<String> generated = yamlFiles(GENERATED);
    TreeSet<String> committed = yamlFiles(COMMITTED);
    assertThat(generated).as("CRDs generated into %s during process-test-classes (model/CrdGeneration)",
        GENERATED.toAbsolutePath()).isNotEmpty();

    TreeSet<String> stale = new TreeSet<>(committed);
    stale.removeAll(generated);
    assertThat(stale)
        .withFailMessage(REFRESH + "and delete what the model no longer generates: git rm %s",
            String.join(" ", stale.stream().map(name -> "crds/" + name).toList()))
        .isEmpty();
    for (String name : generated) {
      Path mine = COMMITTED.resolve(name);
      assertThat(mine).withFailMessage(REFRESH + "(crds/%s is missing)", name).exists();
      assertThat(read(mine))
          .withFailMessage(REFRESH + "(crds/%s differs from the generated file)", name)
          .isEqualTo(read(GENERATED.resolve(name)));
    }
  }

  private static TreeSet<String> yamlFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return new TreeSet<>();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(".yml"))
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  /** Line endings aside, so a Windows checkout with autocrlf does not fail the build. */
  private static String read(Path file) throws IOException {
    return Files.readString(file).replace("\r\n", "\n");
  }
}
