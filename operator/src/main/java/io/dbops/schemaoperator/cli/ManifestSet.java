package io.dbops.schemaoperator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbops.schemaoperator.builders.SchemaSetChildBuilder;
import io.dbops.schemaoperator.controller.common.LabelSelection;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.TolerantlyRead;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The resources a set of YAML files describes, as `kubectl apply -f` would read them: connections,
 * schemas, schema sets, and the Secrets and ConfigMaps they refer to. Other kinds are ignored.
 */
final class ManifestSet {
  static final String DEFAULT_NAMESPACE = "default";
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Map<String, DatabaseConnection> connections = new LinkedHashMap<>();
  private final Map<String, DatabaseSchema> schemas = new LinkedHashMap<>();
  private final Map<String, DatabaseSchemaSet> sets = new LinkedHashMap<>();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();
  private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();

  static ManifestSet read(List<Path> paths) {
    ManifestSet set = new ManifestSet();
    for (Path path : paths) {
      for (Path file : yamlFiles(path)) {
        set.readFile(file);
      }
    }
    return set;
  }

  private static List<Path> yamlFiles(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new ConfigurationException("-f " + path + ": no such file or directory");
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigurationException("-f " + path + ": cannot list the directory: " + e.getMessage());
    }
  }

  private void readFile(Path file) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        readDocument(doc, file.getFileName() + " document " + index);
      }
    } catch (IOException e) {
      throw new ConfigurationException(file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private void readDocument(JsonNode doc, String where) throws IOException {
    String kind = doc.path("kind").asText("");
    switch (kind) {
      case "DatabaseConnection" -> add(connections, YAML.treeToValue(doc, DatabaseConnection.class), where);
      case "DatabaseSchema" -> add(schemas, YAML.treeToValue(doc, DatabaseSchema.class), where);
      case "DatabaseSchemaSet" -> add(sets, YAML.treeToValue(doc, DatabaseSchemaSet.class), where);
      case "Secret" -> add(secrets, YAML.treeToValue(doc, Secret.class), where);
      case "ConfigMap" -> add(configMaps, YAML.treeToValue(doc, ConfigMap.class), where);
      default -> { }
    }
  }

  private static <T extends HasMetadata> void add(Map<String, T> into, T resource, String where) {
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new ConfigurationException(where + ": " + resource.getKind() + " has no metadata.name");
    }
    if (resource instanceof TolerantlyRead read && read.readProblem() != null) {
      throw new ConfigurationException(where + ": " + resource.getKind() + " " + resource.getMetadata().getName() + ": "
          + read.readProblem());
    }
    if (into.put(key(namespaceOf(resource), resource.getMetadata().getName()), resource) != null) {
      throw new ConfigurationException(where + ": " + resource.getKind() + " " + resource.getMetadata().getName()
          + " appears twice");
    }
  }

  static String namespaceOf(HasMetadata resource) {
    String ns = resource.getMetadata().getNamespace();
    return ns == null || ns.isBlank() ? DEFAULT_NAMESPACE : ns;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * The DatabaseSchemas the files stand for: those written out, then, for each DatabaseSchemaSet,
   * one per connection in the files that it selects (in its own namespace, by connection name), made
   * as the set's controller makes its children.
   */
  List<DatabaseSchema> schemas() {
    List<DatabaseSchema> all = new ArrayList<>(schemas.values());
    Map<String, String> madeBy = new LinkedHashMap<>();
    for (DatabaseSchemaSet set : sets.values()) {
      for (DatabaseSchema child : children(set)) {
        String key = key(namespaceOf(child), child.getMetadata().getName());
        if (schemas.containsKey(key) || madeBy.containsKey(key)) {
          throw new ConfigurationException("DatabaseSchemaSet " + set.getMetadata().getName() + " would make DatabaseSchema "
              + child.getMetadata().getName() + ", which " + (schemas.containsKey(key) ? "the files define too"
              : "DatabaseSchemaSet " + madeBy.get(key) + " makes too") + ": rename one of them");
        }
        madeBy.put(key, set.getMetadata().getName());
        all.add(child);
      }
    }
    return all;
  }

  private List<DatabaseSchema> children(DatabaseSchemaSet set) {
    String name = set.getMetadata().getName();
    String namespace = namespaceOf(set);
    if (set.getSpec() == null || set.getSpec().getTemplate() == null) {
      throw new ConfigurationException("DatabaseSchemaSet " + name + " has no spec.template");
    }
    if (set.getSpec().getSelector() == null || LabelSelection.empty(set.getSpec().getSelector())) {
      throw new ConfigurationException("DatabaseSchemaSet " + name + ": spec.selector names no label; give matchLabels or"
          + " matchExpressions (an empty selector would select every DatabaseConnection in the namespace)");
    }
    List<DatabaseSchema> children = new ArrayList<>();
    connections.values().stream()
        .filter(c -> namespaceOf(c).equals(namespace))
        .filter(c -> LabelSelection.matches(set.getSpec().getSelector(), c.getMetadata().getLabels()))
        .map(c -> c.getMetadata().getName())
        .sorted()
        .forEach(connection -> {
          DatabaseSchema child = new DatabaseSchema();
          child.setMetadata(new ObjectMetaBuilder()
              .withName(SchemaSetChildBuilder.childName(name, connection))
              .withNamespace(namespace)
              .build());
          child.setSpec(SchemaSetChildBuilder.spec(set.getSpec().getTemplate(), connection));
          children.add(child);
        });
    return children;
  }

  List<DatabaseConnection> connections() {
    return new ArrayList<>(connections.values());
  }

  Optional<DatabaseConnection> connection(String namespace, String name) {
    return Optional.ofNullable(connections.get(key(namespace, name)));
  }

  Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(key(namespace, name)));
  }

  Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(key(namespace, name)));
  }
}
