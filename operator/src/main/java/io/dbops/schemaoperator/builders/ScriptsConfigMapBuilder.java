package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.InlineMigration;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** The ConfigMap that carries a schema's inline scripts into its Job as files. */
public final class ScriptsConfigMapBuilder {
  static final String INFIX = "-scripts-";
  static final int CONTENT_HASH_LENGTH = 10;
  /** What the API server accepts in one ConfigMap's data. */
  static final int MAX_DATA_BYTES = 1024 * 1024;

  private ScriptsConfigMapBuilder() {}

  /**
   * The owned, immutable ConfigMap that carries the inline scripts to the Job; name
   * "<schema>-scripts-<sha256(inline content)[0:10]>" (the schema part shortened, with a few
   * characters of its own hash, when the whole would pass 253 characters), data = file name -> sql,
   * immutable=true, labels Labels.forSchema(schema, "schema-operator-scripts"), ownerReference to
   * the schema (controller=true, blockOwnerDeletion=true). Returns Optional.empty() when there are
   * no inline scripts.
   *
   * <p>Named by content so it can be immutable: a running Job keeps reading the scripts it started
   * with while a changed spec gets a new ConfigMap, and the kubelet need not watch it.
   *
   * @throws IllegalArgumentException when two inline scripts share a name: one ConfigMap key cannot
   *     carry both, and silently dropping one would apply a different set than the spec shows; or
   *     when they are more than one ConfigMap can hold, which the API server would refuse only at
   *     create time, after the run had started
   */
  public static Optional<ConfigMap> build(DatabaseSchema schema) {
    List<InlineMigration> inline = schema.getSpec() == null || schema.getSpec().getMigrations() == null
        ? null
        : schema.getSpec().getMigrations().getInline();
    if (inline == null || inline.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> data = new TreeMap<>();
    TreeSet<String> duplicates = new TreeSet<>();
    for (InlineMigration m : inline) {
      if (data.put(m.getName(), m.getSql() == null ? "" : m.getSql()) != null) {
        duplicates.add(m.getName());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException(
          "spec.migrations.inline names these scripts more than once: " + String.join(", ", duplicates));
    }
    long bytes = data.entrySet().stream()
        .mapToLong(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length)
        .sum();
    if (bytes > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("spec.migrations.inline holds " + bytes + " bytes of SQL, more than the " + MAX_DATA_BYTES
          + " a ConfigMap can carry to the Job: move scripts to spec.migrations.configMapRefs (several ConfigMaps if need be)"
          + " or ship them in spec.migrations.image");
    }
    return Optional.of(new ConfigMapBuilder()
        .withNewMetadata()
            .withName(name(schema))
            .withNamespace(schema.getMetadata().getNamespace())
            .withLabels(Labels.forSchema(schema, Labels.SCRIPTS_APP))
            .withOwnerReferences(Owners.controlledBy(schema))
        .endMetadata()
        .withImmutable(true)
        .withData(data)
        .build());
  }

  /** The ConfigMap's name for the schema's current inline scripts. */
  static String name(DatabaseSchema schema) {
    String hash = DesiredHash.inlineContentHash(schema.getSpec().getMigrations().getInline()).substring(0, CONTENT_HASH_LENGTH);
    int budget = KubeNames.MAX_SUBDOMAIN - INFIX.length() - CONTENT_HASH_LENGTH;
    return KubeNames.fit(schema.getMetadata().getName(), budget) + INFIX + hash;
  }
}
