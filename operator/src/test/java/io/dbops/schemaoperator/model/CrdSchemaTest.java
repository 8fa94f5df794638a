package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What kubectl and the API server read from the generated CRDs beyond validation: a description on
 * every field (kubectl explain), an upper bound on every number that the Java field behind it can
 * hold (or one object would fail the list every informer reads), and the printer columns in the
 * order people read them.
 */
class CrdSchemaTest {
  private static final CrdValidator CRDS = CrdValidator.forProject();
  private static final List<String> KINDS = CRDS.kinds();

  @Test
  void theCrdsOfBothKindsAreChecked() {
    assertThat(KINDS).contains("DatabaseConnection", "DatabaseSchema");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyFieldHasADescriptionForKubectlExplain(String kind) {
    List<String> undescribed = new ArrayList<>();
    JsonNode root = schema(kind);
    if (!root.hasNonNull("description")) {
      undescribed.add(kind);
    }
    walk(root, kind, (path, property) -> {
      if (!property.hasNonNull("description") || property.get("description").asText().isBlank()) {
        undescribed.add(path);
      }
    });

    int[] fields = {0};
    walk(root, kind, (path, property) -> fields[0]++);
    assertThat(fields[0]).as("fields walked").isGreaterThan(20);
    assertThat(undescribed).as("add @JsonPropertyDescription (or @JsonClassDescription for the kind) to").isEmpty();
  }

  @Test
  void everyIntegerAndNumberHasAMaximum() {
    List<String> unbounded = new ArrayList<>();
    for (String kind : KINDS) {
      walk(schema(kind), kind, (path, property) -> {
        if (isNumber(property) && !property.has("maximum")) {
          unbounded.add(path);
        }
      });
    }

    assertThat(unbounded).as("add @Max (a bound its Java type holds) to").isEmpty();
  }

  @Test
  void everyBoundFitsTheJavaFieldBehindIt() {
    List<String> tooWide = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (String kind : KINDS) {
      Class<?> type = modelClass(kind);
      walkTyped(schema(kind), type, kind, (path, property, javaType) -> {
        if (!isNumber(property)) {
          return;
        }
        seen.add(path);
        double[] range = rangeOf(javaType);
        if (!property.has("maximum") || property.get("maximum").asDouble() > range[1]
            || !property.has("minimum") && range[0] > -Double.MAX_VALUE
            || property.has("minimum") && property.get("minimum").asDouble() < range[0]) {
          tooWide.add(path + " (" + javaType.getTypeName() + ")");
        }
      });
    }
    List<String> all = new ArrayList<>();
    for (String kind : KINDS) {
      walk(schema(kind), kind, (path, property) -> {
        if (isNumber(property)) {
          all.add(path);
        }
      });
    }

    assertThat(all).as("numbers in the CRDs").hasSizeGreaterThan(10);
    assertThat(seen).as("every number was matched with its Java field").containsExactlyInAnyOrderElementsOf(all);
    assertThat(tooWide).as("bounds a Java field cannot hold (set @Min and @Max within its type)").isEmpty();
  }

  @Test
  void printerColumnsComeInTheOrderPeopleReadThem() {
    assertThat(columns("DatabaseSchema")).containsExactly("Ready", "Version", "Pending", "Reason", "Age");
    assertThat(columns("DatabaseConnection")).containsExactly("Engine", "Ready", "Version", "Age");
  }

  @Test
  void theSchemasGivenToKubernetesTypesHaveExactlyTheirFields() {
    // A field missing from the schema would be pruned by the API server; one too many would be a lie.
    assertThat(propertyNames(KubernetesTypeSchemas.Condition.class)).isEqualTo(propertyNames(Condition.class));
    assertThat(propertyNames(KubernetesTypeSchemas.Toleration.class)).isEqualTo(propertyNames(Toleration.class));
    assertThat(propertyNames(KubernetesTypeSchemas.Resources.class)).isEqualTo(propertyNames(ResourceRequirements.class));
    assertThat(propertyNames(KubernetesTypeSchemas.ResourceClaim.class)).isEqualTo(propertyNames(ResourceClaim.class));
  }

  // --- walking ---------------------------------------------------------------------------------

  static List<String> kinds() {
    return KINDS;
  }

  /** The model class a CRD was generated from. */
  private static Class<?> modelClass(String kind) {
    try {
      return CrdGeneration.customResources(java.nio.file.Path.of("target", "classes")).stream()
          .filter(c -> io.fabric8.kubernetes.api.model.HasMetadata.getKind(c).equals(kind))
          .findFirst().orElseThrow(() -> new AssertionError("no model class for kind " + kind));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode schema(String kind) {
    return CRDS.crd(kind).at("/spec/versions/0/schema/openAPIV3Schema");
  }

  private static List<String> columns(String kind) {
    List<String> names = new ArrayList<>();
    CRDS.crd(kind).at("/spec/versions/0/additionalPrinterColumns").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  private static boolean isNumber(JsonNode property) {
    String type = property.path("type").asText();
    return type.equals("integer") || type.equals("number");
  }

  /** Every property below {@code schema}; the anyOf branches of an int-or-string are its type, not fields. */
  private static void walk(JsonNode schema, String path, BiConsumer<String, JsonNode> visitor) {
    schema.path("properties").fields().forEachRemaining(field -> {
      String child = path + "." + field.getKey();
      visitor.accept(child, field.getValue());
      walk(field.getValue(), child, visitor);
    });
    for (String nested : List.of("items", "additionalProperties")) {
      JsonNode inner = schema.path(nested);
      if (inner.isObject()) {
        if (isNumber(inner)) {
          visitor.accept(path + "[*]", inner);
        }
        walk(inner, path + "[*]", visitor);
      }
    }
  }

  private interface TypedVisitor {
    void visit(String path, JsonNode property, Type javaType);
  }

  /** The same walk beside the Java fields the schema was generated from (or their @SchemaFrom stand-ins). */
  private static void walkTyped(JsonNode schema, Type type, String path, TypedVisitor visitor) {
    Class<?> raw = raw(type);
    if (raw == null) {
      return;
    }
    if (CustomResource.class.isAssignableFrom(raw)) {
      Type[] parts = ((ParameterizedType) raw.getGenericSuperclass()).getActualTypeArguments();
      walkTyped(schema.path("properties").path("spec"), parts[0], path + ".spec", visitor);
      walkTyped(schema.path("properties").path("status"), parts[1], path + ".status", visitor);
      return;
    }
    if (List.class.isAssignableFrom(raw) || raw.isArray() || Map.class.isAssignableFrom(raw)) {
      Type element = raw.isArray() ? raw.getComponentType()
          : ((ParameterizedType) type).getActualTypeArguments()[Map.class.isAssignableFrom(raw) ? 1 : 0];
      JsonNode inner = schema.path(Map.class.isAssignableFrom(raw) ? "additionalProperties" : "items");
      if (isNumber(inner)) {
        visitor.visit(path + "[*]", inner, element);
      }
      walkTyped(inner, element, path + "[*]", visitor);
      return;
    }
    for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        JsonProperty renamed = field.getAnnotation(JsonProperty.class);
        String name = renamed != null ? renamed.value() : field.getName().replaceAll("_$", "");
        JsonNode property = schema.path("properties").path(name);
        if (property.isMissingNode()) {
          continue;
        }
        SchemaFrom from = field.getAnnotation(SchemaFrom.class);
        Type fieldType = from != null ? from.type() : field.getGenericType();
        visitor.visit(path + "." + name, property, fieldType);
        walkTyped(property, fieldType, path + "." + name, visitor);
      }
    }
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : null;
  }

  /** The smallest and largest value a Java number type holds. */
  private static double[] rangeOf(Type type) {
    Class<?> c = raw(type);
    if (c == Integer.class || c == int.class) {
      return new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
    }
    if (c == Long.class || c == long.class) {
      // A double just below 2^63: the closest a JSON Schema bound can say Long.MAX_VALUE without passing it.
      return new double[] {-9.223372036854775E18, 9.223372036854775E18};
    }
    return new double[] {-Double.MAX_VALUE, Double.MAX_VALUE};
  }

  private static Set<String> propertyNames(Class<?> type) {
    ObjectMapper mapper = new ObjectMapper();
    List<BeanPropertyDefinition> properties =
        mapper.getSerializationConfig().introspect(mapper.constructType(type)).findProperties();
    return properties.stream().map(BeanPropertyDefinition::getName).filter(n -> !n.equals("additionalProperties"))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
