package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the CRDs of every custom resource class in the model, with fabric8's generator and four
 * finishing touches it has no annotation for: printer columns in the order the class declares them
 * (the generator sorts them by JSON path, which put AGE first), the whole schema's description from
 * the class's {@link JsonClassDescription}, {@link ListMapKeys} on list fields, and a {@link Pattern}
 * on the value type of a map of quantities (the generator applies one to strings only). The build runs
 * it (exec:java, process-test-classes) into target/classes/META-INF/fabric8; CrdsUpToDateTest
 * compares crds/ with that.
 */
public final class CrdGeneration {
  private static final String MODEL_PACKAGE = CrdGeneration.class.getPackageName();

  private CrdGeneration() {}

  /** {@code args}: the directory of compiled main classes, and where the CRDs go. */
  public static void main(String[] args) throws IOException {
    Path classes = Path.of(args[0]);
    File output = Files.createDirectories(Path.of(args[1])).toFile();
    List<Class<? extends HasMetadata>> resources = customResources(classes);
    if (resources.isEmpty()) {
      throw new IllegalStateException("no custom resource classes in " + classes.resolve(MODEL_PACKAGE.replace('.', '/')));
    }
    new CRDGenerator()
        .customResourceClasses(resources)
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(new CRDPostProcessor() {
          @Override
          public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            return finish((CustomResourceDefinition) crd, resources);
          }
        })
        .inOutputDir(output)
        .generate();
  }

  /** The concrete CustomResource classes of the model package, by name so that the order is stable. */
  @SuppressWarnings("unchecked")
  static List<Class<? extends HasMetadata>> customResources(Path classes) throws IOException {
    Path dir = classes.resolve(MODEL_PACKAGE.replace('.', '/'));
    List<Class<? extends HasMetadata>> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".class") || name.contains("$")) {
          continue;
        }
        Class<?> type = load(MODEL_PACKAGE + "." + name.substring(0, name.length() - ".class".length()));
        if (CustomResource.class.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
          found.add((Class<? extends HasMetadata>) type);
        }
      }
    }
    return found;
  }

  static HasMetadata finish(CustomResourceDefinition crd, Collection<Class<? extends HasMetadata>> resources) {
    Class<?> type = resources.stream()
        .filter(r -> HasMetadata.getKind(r).equals(crd.getSpec().getNames().getKind()))
        .findFirst().orElseThrow();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.setAdditionalPrinterColumns(inDeclaredOrder(version.getAdditionalPrinterColumns(), type));
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
      if (description != null) {
        root.setDescription(description.value());
      }
      applyListMapKeys(root, type);
    }
    return crd;
  }

  private static List<CustomResourceColumnDefinition> inDeclaredOrder(List<CustomResourceColumnDefinition> columns,
      Class<?> type) {
    List<String> declared = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    return columns.stream().sorted(Comparator.comparingInt(c -> declared.indexOf(c.getName()))).toList();
  }

  /** Walks the schema beside the Java fields it was made from, down through our own model classes. */
  private static void applyListMapKeys(JSONSchemaProps schema, Type type) {
    Class<?> raw = rawClass(type);
    if (schema == null || raw == null || schema.getProperties() == null) {
      return;
    }
    if (CustomResource.class.isAssignableFrom(raw)) {
      Type[] parts = ((ParameterizedType) raw.getGenericSuperclass()).getActualTypeArguments();
      applyListMapKeys(schema.getProperties().get("spec"), parts[0]);
      applyListMapKeys(schema.getProperties().get("status"), parts[1]);
      return;
    }
    if (!raw.getPackageName().equals(MODEL_PACKAGE)) {
      return;
    }
    for (Field field : raw.getDeclaredFields()) {
      JSONSchemaProps property = schema.getProperties().get(jsonName(field));
      if (property == null || Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      ListMapKeys keys = field.getAnnotation(ListMapKeys.class);
      if (keys != null) {
        property.setXKubernetesListType("map");
        property.setXKubernetesListMapKeys(List.of(keys.value()));
      }
      SchemaFrom schemaFrom = field.getAnnotation(SchemaFrom.class);
      Type fieldType = schemaFrom == null ? field.getGenericType() : schemaFrom.type();
      Class<?> fieldClass = rawClass(fieldType);
      if (fieldClass != null && (List.class.isAssignableFrom(fieldClass) || Map.class.isAssignableFrom(fieldClass))) {
        Type[] arguments = ((ParameterizedType) fieldType).getActualTypeArguments();
        JSONSchemaProps element = List.class.isAssignableFrom(fieldClass)
            ? property.getItems() == null ? null : property.getItems().getSchema()
            : property.getAdditionalProperties() == null ? null : property.getAdditionalProperties().getSchema();
        if (element != null) {
          applyListMapKeys(element, arguments[arguments.length - 1]);
          applyValuePattern(element, field);
        }
      } else {
        applyListMapKeys(property, fieldType);
      }
    }
  }

  /** An int-or-string element (a Quantity) gets the pattern its type argument is annotated with. */
  private static void applyValuePattern(JSONSchemaProps element, Field field) {
    if (!Boolean.TRUE.equals(element.getXKubernetesIntOrString())
        || !(field.getAnnotatedType() instanceof AnnotatedParameterizedType parameterized)) {
      return;
    }
    AnnotatedType[] arguments = parameterized.getAnnotatedActualTypeArguments();
    Pattern pattern = arguments[arguments.length - 1].getAnnotation(Pattern.class);
    if (pattern != null) {
      element.setPattern(pattern.value());
    }
  }

  private static String jsonName(Field field) {
    JsonProperty renamed = field.getAnnotation(JsonProperty.class);
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName();
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : null;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot load " + name, e);
    }
  }
}
