package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parts of the API server's handling of a structural schema that plain JSON Schema has no word for. */
final class StructuralSchema {
  /** Every object has these even though the CRD schema does not list them. */
  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private StructuralSchema() {}

  /**
   * Drops nulls of non-nullable fields, then fills in {@code default}s of absent ones: the API server does both
   * before it validates, so {@code tls: ~} in YAML means "no tls" rather than a type error.
   */
  static void pruneNullsAndApplyDefaults(JsonNode schema, JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field ->
          field.getValue().isNull() && !childSchema(schema, field.getKey()).path("nullable").asBoolean(false));
      schema.path("properties").fields().forEachRemaining(property -> {
        JsonNode fieldDefault = property.getValue().get("default");
        if (!object.has(property.getKey()) && fieldDefault != null) {
          object.set(property.getKey(), fieldDefault.deepCopy());
        }
      });
      object.fields().forEachRemaining(
          field -> pruneNullsAndApplyDefaults(childSchema(schema, field.getKey()), field.getValue()));
    } else if (node.isArray()) {
      node.forEach(item -> pruneNullsAndApplyDefaults(schema.path("items"), item));
    }
  }

  /**
   * Reports fields the schema does not know, as kubectl's default strict field validation does;
   * without it a typo in a field name would be pruned silently.
   */
  static void findUnknownFields(JsonNode schema, JsonNode node, String path, List<String> violations) {
    if (node.isObject()) {
      boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
          || schema.has("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String fieldPath = join(path, field.getKey());
        if (path.isEmpty() && ROOT_FIELDS.contains(field.getKey())) {
          continue;
        }
        if (!open && !schema.path("properties").has(field.getKey())) {
          violations.add("unknown field \"" + fieldPath + "\"");
        } else {
          findUnknownFields(childSchema(schema, field.getKey()), field.getValue(), fieldPath, violations);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        findUnknownFields(schema.path("items"), node.get(i), path + "[" + i + "]", violations);
      }
    }
  }

  /**
   * Reports two items of an x-kubernetes-list-type map list with the same keys, in the API server's
   * words ("Duplicate value"); plain JSON Schema has no such rule.
   */
  static void findDuplicateListMapKeys(JsonNode schema, JsonNode node, String path, List<String> violations) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field ->
          findDuplicateListMapKeys(childSchema(schema, field.getKey()), field.getValue(), join(path, field.getKey()), violations));
    } else if (node.isArray()) {
      boolean keyed = "map".equals(schema.path("x-kubernetes-list-type").asText());
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        if (keyed) {
          StringBuilder key = new StringBuilder();
          for (JsonNode name : schema.path("x-kubernetes-list-map-keys")) {
            key.append(key.length() == 0 ? "" : ", ").append('"').append(name.asText()).append("\":")
                .append(item.path(name.asText()).toString());
          }
          if (!seen.add(key.toString())) {
            violations.add(path + "[" + i + "]: Duplicate value: map[string]interface {}{" + key + "}");
          }
        }
        findDuplicateListMapKeys(schema.path("items"), item, path + "[" + i + "]", violations);
      }
    }
  }

  /** A copy with the x-kubernetes-* extensions removed, so a JSON Schema validator sees only keywords it knows. */
  static JsonNode withoutKubernetesExtensions(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field -> field.getKey().startsWith("x-kubernetes-"));
    }
    node.forEach(StructuralSchema::strip);
  }

  private static JsonNode childSchema(JsonNode schema, String field) {
    JsonNode properties = schema.path("properties");
    return properties.has(field) ? properties.get(field) : schema.path("additionalProperties");
  }

  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
