package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads one of our custom resources part by part: metadata always (the API server wrote it), then
 * spec and status each on their own, so that a part the model cannot hold leaves that part null
 * and a {@link TolerantlyRead#readProblem()} naming the field, instead of an exception that fails
 * the whole list an informer reads.
 */
abstract class TolerantResourceDeserializer<R extends CustomResource<S, T> & TolerantlyRead, S, T>
    extends StdDeserializer<R> {
  private static final int MAX_VALUE_SHOWN = 40;
  private final Supplier<R> factory;
  private final Class<S> specType;
  private final Class<T> statusType;

  TolerantResourceDeserializer(Class<R> type, Supplier<R> factory, Class<S> specType, Class<T> statusType) {
    super(type);
    this.factory = factory;
    this.specType = specType;
    this.statusType = statusType;
  }

  @Override
  public R deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode tree = context.readTree(parser);
    R resource = factory.get();
    if (tree.hasNonNull("apiVersion")) {
      resource.setApiVersion(tree.get("apiVersion").asText());
    }
    if (tree.hasNonNull("kind")) {
      resource.setKind(tree.get("kind").asText());
    }
    if (tree.hasNonNull("metadata")) {
      resource.setMetadata(context.readTreeAsValue(tree.get("metadata"), ObjectMeta.class));
    }
    List<String> problems = new ArrayList<>();
    if (!tree.hasNonNull("spec")) {
      problems.add("spec is missing");
    }
    resource.setSpec(part(tree, "spec", specType, context, problems));
    resource.setStatus(part(tree, "status", statusType, context, problems));
    resource.setReadProblem(problems.isEmpty() ? null : String.join("; ", problems));
    return resource;
  }

  private static <P> P part(JsonNode tree, String name, Class<P> type, DeserializationContext context,
      List<String> problems) throws IOException {
    JsonNode node = tree.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return context.readTreeAsValue(node, type);
    } catch (JsonMappingException e) {
      problems.add(describe(name, e));
      return null;
    }
  }

  /** "spec.port: 3000000000 is not a whole number from -2147483648 to 2147483647", in a person's words. */
  static String describe(String part, JsonMappingException e) {
    StringBuilder path = new StringBuilder(part);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (e instanceof InvalidFormatException invalid) {
      return path + ": " + shown(invalid.getValue()) + " is not " + expected(invalid.getTargetType());
    }
    InputCoercionException coercion = e.getCause() instanceof InputCoercionException c ? c : null;
    if (coercion != null && coercion.getTargetType() != null) {
      // A number past its type, read from YAML or JSON as a number: Jackson names it only in its message.
      java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\((-?[0-9.eE+]{1,400})\\)")
          .matcher(String.valueOf(coercion.getOriginalMessage()));
      return path + ": " + (number.find() ? shown(number.group(1)) : "the number") + " is not "
          + expected(coercion.getTargetType());
    }
    if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
      return path + ": has the wrong type, expected " + expected(mismatched.getTargetType());
    }
    String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().replaceAll("\\s+", " ");
    return path + ": cannot be read (" + (why.length() <= 120 ? why : why.substring(0, 120) + "...") + ")";
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class) {
      return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == Long.class || type == long.class) {
      return "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getFields()).filter(java.lang.reflect.Field::isEnumConstant)
          .map(f -> f.isAnnotationPresent(JsonProperty.class) ? f.getAnnotation(JsonProperty.class).value() : f.getName())
          .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return java.util.Map.class.isAssignableFrom(type) ? "a map" : "an object";
  }

  private static String shown(Object value) {
    String text = String.valueOf(value).replaceAll("\\p{Cntrl}", "?");
    return "'" + (text.length() <= MAX_VALUE_SHOWN ? text : text.substring(0, MAX_VALUE_SHOWN) + "...") + "'";
  }

  /** For DatabaseConnection's @JsonDeserialize. */
  static final class Connections
      extends TolerantResourceDeserializer<DatabaseConnection, DatabaseConnectionSpec, DatabaseConnectionStatus> {
    Connections() {
      super(DatabaseConnection.class, DatabaseConnection::new, DatabaseConnectionSpec.class,
          DatabaseConnectionStatus.class);
    }
  }

  /** For DatabaseSchema's @JsonDeserialize. */
  static final class Schemas extends TolerantResourceDeserializer<DatabaseSchema, DatabaseSchemaSpec, DatabaseSchemaStatus> {
    Schemas() {
      super(DatabaseSchema.class, DatabaseSchema::new, DatabaseSchemaSpec.class, DatabaseSchemaStatus.class);
    }
  }

  static final class Sets extends TolerantResourceDeserializer<DatabaseSchemaSet, DatabaseSchemaSetSpec, DatabaseSchemaSetStatus> {
    Sets() {
      super(DatabaseSchemaSet.class, DatabaseSchemaSet::new, DatabaseSchemaSetSpec.class, DatabaseSchemaSetStatus.class);
    }
  }
}
