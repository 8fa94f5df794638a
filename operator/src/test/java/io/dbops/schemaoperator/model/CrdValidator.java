package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Checks a custom resource the way the API server would on create: defaulting, the OpenAPI schema,
 * strict field validation and the CEL rules. The fabric8 mock server validates nothing, so without this
 * a CRD rule that rejects valid input (or accepts invalid input) is first noticed in a real cluster.
 */
public final class CrdValidator {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization CLIENT_SERIALIZATION = new KubernetesSerialization();

  /**
   * Schema errors after which the API server skips the CEL rules, since they could not be evaluated safely
   * (apiextensions-apiserver's hasBlockingErr).
   */
  private static final Set<String> BLOCKING_KEYWORDS =
      Set.of("type", "required", "enum", "maxLength", "maxItems", "maxProperties");

  /** Draft 4 is the JSON Schema that Kubernetes' OpenAPI v3 subset follows (e.g. boolean exclusiveMinimum). */
  private static final SchemaRegistry JSON_SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

  private final Map<String, JsonNode> crdsByKind = new LinkedHashMap<>();
  private final Map<String, Schema> jsonSchemas = new ConcurrentHashMap<>();
  private final CelRules celRules = new CelRules();

  private CrdValidator() {}

  /** The CRDs committed in the repository's crds/ (tests run with operator/ as working directory). */
  public static CrdValidator forProject() {
    return fromDirectory(Path.of("..", "crds"));
  }

  public static CrdValidator fromDirectory(Path directory) {
    CrdValidator validator = new CrdValidator();
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> yamlFiles = files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList();
      for (Path file : yamlFiles) {
        JsonNode crd = YAML.readTree(file.toFile());
        validator.crdsByKind.put(crd.at("/spec/names/kind").asText(), crd);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRDs from " + directory.toAbsolutePath(), e);
    }
    return validator;
  }

  /** The kinds of the CRDs read. */
  public List<String> kinds() {
    return List.copyOf(crdsByKind.keySet());
  }

  /** The CRD serving a kind, e.g. to check its printer columns. */
  public JsonNode crd(String kind) {
    JsonNode crd = crdsByKind.get(kind);
    if (crd == null) {
      throw new IllegalArgumentException("no CRD for kind " + kind + "; known: " + crdsByKind.keySet());
    }
    return crd;
  }

  /** Violations of one YAML or JSON document; empty when the API server would accept it. */
  public List<String> validate(String document) {
    List<JsonNode> documents = documents(document);
    if (documents.size() != 1) {
      // Validating only the first of several would let the others pass unseen.
      throw new IllegalArgumentException(
          "expected one document, got " + documents.size() + "; split with CrdValidator.documents(yaml)");
    }
    return validate(documents.get(0));
  }

  /** The documents of a YAML stream (separated by ---), empty ones skipped. */
  public static List<JsonNode> documents(String yaml) {
    try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      return values.readAll().stream().filter(node -> node != null && !node.isNull() && !node.isMissingNode()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
    }
  }

  /** Violations of a resource built in Java, serialized the way the fabric8 client sends it. */
  public List<String> validate(HasMetadata resource) {
    return validate(CLIENT_SERIALIZATION.convertValue(resource, JsonNode.class));
  }

  public List<String> validate(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    JsonNode version = servedVersion(apiVersion, kind);
    if (version == null) {
      return List.of("no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\"");
    }
    JsonNode schema = version.at("/schema/openAPIV3Schema");
    JsonNode defaulted = object.deepCopy();
    StructuralSchema.pruneNullsAndApplyDefaults(schema, defaulted);

    List<String> violations = new ArrayList<>();
    StructuralSchema.findUnknownFields(schema, defaulted, "", violations);
    StructuralSchema.findDuplicateListMapKeys(schema, defaulted, "", violations);
    boolean blocked = false;
    for (Error error : jsonSchema(apiVersion + "/" + kind, schema).validate(defaulted)) {
      violations.add(describe(error));
      blocked |= BLOCKING_KEYWORDS.contains(error.getKeyword());
    }
    if (blocked) {
      violations.add("some validation rules were not checked because the object was invalid;"
          + " correct the existing errors to complete validation");
    } else {
      celRules.evaluate(schema, defaulted, "", violations);
    }
    return violations;
  }

  /** In the API server's words: a dotted field path, then what is wrong. */
  private static String describe(Error error) {
    NodePath location = error.getInstanceLocation();
    String path = "";
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      path = element instanceof Integer index
          ? path + "[" + index + "]"
          : StructuralSchema.join(path, element.toString());
    }
    return (path.isEmpty() ? "<root>" : path) + ": " + error.getMessage();
  }

  private JsonNode servedVersion(String apiVersion, String kind) {
    JsonNode crd = crdsByKind.get(kind);
    if (crd == null) {
      return null;
    }
    for (JsonNode version : crd.at("/spec/versions")) {
      String candidate = crd.at("/spec/group").asText() + "/" + version.path("name").asText();
      if (candidate.equals(apiVersion) && version.path("served").asBoolean(true)) {
        return version;
      }
    }
    return null;
  }

  private Schema jsonSchema(String key, JsonNode schema) {
    return jsonSchemas.computeIfAbsent(
        key, k -> JSON_SCHEMAS.getSchema(StructuralSchema.withoutKubernetesExtensions(schema)));
  }
}
