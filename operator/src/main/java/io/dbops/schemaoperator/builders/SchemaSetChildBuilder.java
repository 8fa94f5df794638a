package io.dbops.schemaoperator.builders;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.model.ConnectionRef;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.SchemaTemplate;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The DatabaseSchema a DatabaseSchemaSet owns for one selected connection: an ordinary schema, so
 * every tenant gets the Jobs, locks, approval, drift checks, metrics and health of one.
 */
public final class SchemaSetChildBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String APP_NAME = "schema-operator";

  private SchemaSetChildBuilder() {}

  /**
   * {@code <set>-<connection>}; past 63 characters shortened and given a few characters of the
   * whole name's hash, so that its Jobs' names (which start with it) stay within a DNS label and two
   * long tenant names never meet.
   */
  public static String childName(String setName, String connectionName) {
    return KubeNames.fit(setName + "-" + connectionName, KubeNames.MAX_LABEL);
  }

  /** The template as a DatabaseSchema spec for {@code connectionName}: a deep copy, so children never share state. */
  public static DatabaseSchemaSpec spec(SchemaTemplate template, String connectionName) {
    DatabaseSchemaSpec spec;
    try {
      // Through a tree: convertValue would hand the template itself back, a DatabaseSchemaSpec already.
      spec = JSON.treeToValue(JSON.valueToTree(Objects.requireNonNull(template, "template")), DatabaseSchemaSpec.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a template always reads back as a DatabaseSchema spec", e);
    }
    spec.setConnectionRef(new ConnectionRef(connectionName));
    return spec;
  }

  /**
   * The child for {@code connectionName}: in the set's namespace, controlled by the set (the
   * garbage collector removes it with the set; the operator believes nothing else), labelled
   * {@link Labels#SCHEMA_SET} and {@link Labels#CONNECTION}, annotated with the template revision.
   *
   * @param inheritedLabelKeys labels the child takes over from the set: those the operator's own
   *     label selector names, so that an operator watching only labelled resources sees the
   *     children of a set it watches
   */
  public static DatabaseSchema build(DatabaseSchemaSet set, String connectionName, String templateHash,
      Set<String> inheritedLabelKeys) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> setLabels = set.getMetadata().getLabels() == null ? Map.of() : set.getMetadata().getLabels();
    inheritedLabelKeys.stream().filter(setLabels::containsKey).sorted().forEach(k -> labels.put(k, setLabels.get(k)));
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.put(Labels.NAME, APP_NAME);
    labels.put(Labels.SCHEMA_SET, Labels.value(set.getMetadata().getName()));
    labels.put(Labels.CONNECTION, Labels.value(connectionName));
    DatabaseSchema child = new DatabaseSchema();
    child.setMetadata(new ObjectMetaBuilder()
        .withName(childName(set.getMetadata().getName(), connectionName))
        .withNamespace(set.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(new LinkedHashMap<>(Map.of(Labels.TEMPLATE_HASH, templateHash)))
        .withOwnerReferences(Owners.controlledBy(set))
        .build());
    child.setSpec(spec(set.getSpec().getTemplate(), connectionName));
    return child;
  }
}
