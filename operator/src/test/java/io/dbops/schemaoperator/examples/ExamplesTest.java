package io.dbops.schemaoperator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbops.schemaoperator.cli.SchemaOperatorCommand;
import io.dbops.schemaoperator.model.CrdValidator;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.builders.SchemaSetChildBuilder;
import io.dbops.schemaoperator.controller.common.LabelSelection;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Every example a user may `kubectl apply` is one the API server would accept, refers only to things
 * that exist, and, where its SQL can run here, really applies to PostgreSQL.
 */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Path QUICKSTART = EXAMPLES.resolve("quickstart");
  private static final CrdValidator CRDS = CrdValidator.forProject();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static List<Path> examples() throws IOException {
    try (Stream<Path> dirs = Files.list(EXAMPLES)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyResourceIsOneTheApiServerAccepts(Path example) {
    List<JsonNode> documents = documents(example);
    assertThat(documents).as("YAML documents in %s", example).isNotEmpty();
    for (JsonNode document : documents) {
      String kind = document.path("kind").asText();
      HasMetadata typed = typed(document);
      assertThat(typed.getMetadata().getName()).as("%s in %s has a name", kind, example).isNotBlank();
      if (document.path("apiVersion").asText().startsWith("dbops.io/")) {
        assertThat(CRDS.validate(document)).as("%s %s in %s", kind, typed.getMetadata().getName(), example).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyReferenceNamesSomethingTheExampleOrTheQuickstartCreates(Path example) {
    List<HasMetadata> here = resources(example);
    List<HasMetadata> visible = new ArrayList<>(here);
    visible.addAll(resources(QUICKSTART));
    for (HasMetadata resource : here) {
      if (resource instanceof DatabaseSchema schema) {
        assertThat(named(visible, DatabaseConnection.class, schema.getSpec().getConnectionRef().getName()))
            .as("connection of schema %s in %s", schema.getMetadata().getName(), example).isTrue();
        if (schema.getSpec().getMigrations().getConfigMapRefs() != null) {
          schema.getSpec().getMigrations().getConfigMapRefs().forEach(ref -> assertThat(named(here, ConfigMap.class, ref.getName()))
              .as("ConfigMap %s of schema %s in %s", ref.getName(), schema.getMetadata().getName(), example).isTrue());
        }
      }
      if (resource instanceof DatabaseSchemaSet set) {
        assertThat(here).as("connections set %s in %s selects", set.getMetadata().getName(), example)
            .anyMatch(r -> r instanceof DatabaseConnection c && LabelSelection.matches(set.getSpec().getSelector(), c.getMetadata().getLabels()));
        set.getSpec().getTemplate().getMigrations().getConfigMapRefs().forEach(ref -> assertThat(named(here, ConfigMap.class, ref.getName()))
            .as("ConfigMap %s of set %s in %s", ref.getName(), set.getMetadata().getName(), example).isTrue());
      }
      if (resource instanceof DatabaseConnection connection) {
        if (connection.getSpec().getCredentials() != null) {
          assertThat(named(here, Secret.class, connection.getSpec().getCredentials().getSecretName()))
              .as("login Secret of connection %s in %s", connection.getMetadata().getName(), example).isTrue();
        }
        if (connection.getSpec().getTls() != null && connection.getSpec().getTls().getCaSecretRef() != null) {
          assertThat(named(here, Secret.class, connection.getSpec().getTls().getCaSecretRef().getName()))
              .as("CA Secret of connection %s in %s", connection.getMetadata().getName(), example).isTrue();
        }
      }
    }
  }

  @Test
  void theQuickstartIsAManagedPostgresqlAndASchema() {
    List<HasMetadata> quickstart = resources(QUICKSTART);
    assertThat(quickstart).filteredOn(DatabaseConnection.class::isInstance).singleElement()
        .satisfies(c -> assertThat(((DatabaseConnection) c).getSpec().getInstance()).isNotNull());
    assertThat(quickstart).filteredOn(DatabaseSchema.class::isInstance).hasSize(1);
    assertThat(quickstart).filteredOn(Secret.class::isInstance).as("the operator generates the login").isEmpty();
  }

  @Test
  void everyExampleIsListedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (Path example : examples()) {
      assertThat(readme).as("README mentions %s", example.getFileName()).contains("examples/" + example.getFileName());
    }
  }

  /** The PostgreSQL examples' SQL, applied for real (next to the quickstart's connection, which several use). */
  @ParameterizedTest
  @ValueSource(strings = {"quickstart", "postgres-tls-verify-full", "manual-approval", "configmap-migrations", "several-schemas",
      "tenants"})
  void thePostgresqlExamplesApplyToARealDatabase(String example) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SchemaOperatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    List<String> args = new ArrayList<>(List.of("apply", "-f", QUICKSTART.toString(), "--embedded"));
    if (!example.equals("quickstart")) {
      args.addAll(List.of("-f", EXAMPLES.resolve(example).toString()));
    }
    int exit = cli.execute(args.toArray(String[]::new));

    assertThat(exit).as("exit code; stderr:%n%s%nstdout:%n%s", err, out).isZero();
    for (HasMetadata resource : resources(EXAMPLES.resolve(example))) {
      if (resource instanceof DatabaseSchema schema) {
        assertThat(out.toString()).contains("schema " + schema.getMetadata().getName() + ": applied");
      }
      if (resource instanceof DatabaseSchemaSet set) {
        for (HasMetadata other : resources(EXAMPLES.resolve(example))) {
          if (other instanceof DatabaseConnection c && LabelSelection.matches(set.getSpec().getSelector(), c.getMetadata().getLabels())) {
            assertThat(out.toString()).contains("schema " + SchemaSetChildBuilder.childName(set.getMetadata().getName(),
                c.getMetadata().getName()) + ": applied");
          }
        }
      }
    }
  }

  @Test
  void theTenantsExampleIsThreeLabelledTenantsAndASetThatSelectsEachOfThem() {
    List<HasMetadata> tenants = resources(EXAMPLES.resolve("tenants"));
    DatabaseSchemaSet set = (DatabaseSchemaSet) tenants.stream().filter(DatabaseSchemaSet.class::isInstance).findFirst().orElseThrow();
    assertThat(tenants).filteredOn(DatabaseConnection.class::isInstance).hasSize(3)
        .allMatch(c -> LabelSelection.matches(set.getSpec().getSelector(), c.getMetadata().getLabels()));
  }

  private static boolean named(List<HasMetadata> resources, Class<? extends HasMetadata> type, String name) {
    return resources.stream().anyMatch(r -> type.isInstance(r) && r.getMetadata().getName().equals(name));
  }

  private static List<HasMetadata> resources(Path example) {
    return documents(example).stream().map(ExamplesTest::typed).toList();
  }

  private static HasMetadata typed(JsonNode document) {
    Class<? extends HasMetadata> type = switch (document.path("kind").asText()) {
      case "DatabaseConnection" -> DatabaseConnection.class;
      case "DatabaseSchema" -> DatabaseSchema.class;
      case "DatabaseSchemaSet" -> DatabaseSchemaSet.class;
      case "Secret" -> Secret.class;
      case "ConfigMap" -> ConfigMap.class;
      default -> throw new AssertionError("examples hold only our resources, Secrets and ConfigMaps, not "
          + document.path("kind").asText());
    };
    return SERIALIZATION.convertValue(document, type);
  }

  private static List<JsonNode> documents(Path example) {
    try (Stream<Path> files = Files.list(example)) {
      List<JsonNode> documents = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        documents.addAll(CrdValidator.documents(Files.readString(file)));
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
