package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One namespace of the mock cluster, written and read the way a person with kubectl would. */
public record Namespace(KubernetesClient client, String name) {

  /** kubectl create -f: every object in {@code yaml}, in this namespace. */
  public void create(String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).inNamespace(name).create();
  }

  public DatabaseSchema schema(String schemaName) {
    return client.resources(DatabaseSchema.class).inNamespace(name).withName(schemaName).get();
  }

  public DatabaseConnection connection(String connectionName) {
    return client.resources(DatabaseConnection.class).inNamespace(name).withName(connectionName).get();
  }

  public List<DatabaseSchema> schemas() {
    return client.resources(DatabaseSchema.class).inNamespace(name).list().getItems();
  }

  public DatabaseSchemaSet schemaSet(String setName) {
    return client.resources(DatabaseSchemaSet.class).inNamespace(name).withName(setName).get();
  }

  /** kubectl annotate --overwrite: sets annotation {@code key} of the {@code kind} called {@code objectName}. */
  public <T extends HasMetadata> void annotate(Class<T> kind, String objectName, String key, String value) {
    client.resources(kind).inNamespace(name).withName(objectName).edit(o -> {
      Map<String, String> annotations = o.getMetadata().getAnnotations() == null
          ? new HashMap<>() : new HashMap<>(o.getMetadata().getAnnotations());
      annotations.put(key, value);
      o.getMetadata().setAnnotations(annotations);
      return o;
    });
  }

  public List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(name).list().getItems();
  }

  /** The events with this reason. */
  public List<Event> events(String reason) {
    return client.v1().events().inNamespace(name).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  /** Whether {@code schema} exists and is Ready for its current generation: its status was written after its last change. */
  public static boolean isReady(DatabaseSchema schema) {
    return schema != null && schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)
        && schema.getMetadata().getGeneration().equals(schema.getStatus().getObservedGeneration());
  }

  /** The condition of this type; fails when there is none. */
  public static Condition condition(DatabaseSchema schema, String type) {
    return Conditions.find(schema.getStatus().getConditions(), type).orElseThrow();
  }

  /** The condition of this type; fails when there is none. */
  public static Condition condition(DatabaseConnection connection, String type) {
    return Conditions.find(connection.getStatus().getConditions(), type).orElseThrow();
  }
}
