package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The labels on everything the operator creates, so users and the operator can select them. */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "schema-operator";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String SCHEMA = "dbops.io/schema";
  public static final String CONNECTION = "dbops.io/connection";
  /**
   * On a Job both a label and an annotation. A label value holds at most 63 characters and a
   * sha256 hex has 64, so the label carries {@link #hashLabelValue} (for selectors) and the
   * annotation the full hash (for equality); read it back with {@link #desiredHashOf}.
   */
  public static final String DESIRED_HASH = "dbops.io/desired-hash";
  public static final String OPERATION = "dbops.io/operation";
  public static final String ATTEMPT = "dbops.io/attempt";
  /** On a DatabaseSchemaSet's children: the set's name (as a label value). */
  public static final String SCHEMA_SET = "dbops.io/schema-set";
  /** On a DatabaseSchemaSet's children, an annotation: the template revision the child's spec was made from. */
  public static final String TEMPLATE_HASH = "dbops.io/template-hash";

  public static final String MIGRATION_APP = "schema-operator-migration";
  public static final String SCRIPTS_APP = "schema-operator-scripts";

  private Labels() {}

  public static Map<String, String> forSchema(DatabaseSchema schema, String appName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(NAME, appName);
    labels.put(SCHEMA, value(schema.getMetadata().getName()));
    if (schema.getSpec() != null && schema.getSpec().getConnectionRef() != null) {
      labels.put(CONNECTION, value(schema.getSpec().getConnectionRef().getName()));
    }
    return labels;
  }

  /**
   * A resource name as a label value. Names may have 253 characters, label values 63: a longer name
   * is shortened and given a few characters of its own hash, so selectors built with this method
   * still tell two long names apart. Names of 63 characters or fewer come back unchanged.
   */
  public static String value(String name) {
    return KubeNames.fit(name, KubeNames.MAX_LABEL);
  }

  /** The desired hash as it appears in the {@link #DESIRED_HASH} label: its first 63 characters. */
  public static String hashLabelValue(String desiredHash) {
    return desiredHash.length() <= KubeNames.MAX_LABEL ? desiredHash : desiredHash.substring(0, KubeNames.MAX_LABEL);
  }

  /** The full desired hash a Job was made for, from its annotation. */
  public static Optional<String> desiredHashOf(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(DESIRED_HASH));
  }
}
