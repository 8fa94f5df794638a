package io.dbops.schemaoperator.metrics;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the dbops_* series in step with the resources' status, as the API server holds it: the
 * numbers on a dashboard are then exactly what `kubectl get` shows. It watches the resources itself
 * rather than hooking into the reconcilers, so what is measured is what was written.
 */
public final class ResourceMetrics implements AutoCloseable {
  private final SchemaSeries schemas;
  private final ConnectionSeries connections;
  private final SchemaSetSeries sets;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** Engine of each connection, "namespace/name" -> engine, for the schemas' engine label. */
  private final Map<String, String> engines = new HashMap<>();
  /** The last version of each schema seen, to re-label its series when its connection's engine changes. */
  private final Map<String, DatabaseSchema> lastSchemas = new HashMap<>();

  private ResourceMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    this.schemas = new SchemaSeries(registry);
    this.connections = new ConnectionSeries(registry);
    this.sets = new SchemaSetSeries(registry);
  }

  /** Starts watching in the given namespaces (all when empty), limited by the operator's label selector. */
  public static ResourceMetrics start(KubernetesClient client, io.micrometer.core.instrument.MeterRegistry registry,
      Set<String> namespaces, String labelSelector) {
    ResourceMetrics metrics = new ResourceMetrics(registry);
    metrics.watch(client.resources(DatabaseConnection.class), namespaces, labelSelector,
        metrics::connectionSeen, metrics::connectionGone);
    metrics.watch(client.resources(DatabaseSchema.class), namespaces, labelSelector,
        metrics::schemaSeen, metrics::schemaGone);
    metrics.watch(client.resources(DatabaseSchemaSet.class), namespaces, labelSelector,
        (previous, set) -> metrics.setSeen(set), metrics::setGone);
    return metrics;
  }

  private <T extends HasMetadata> void watch(MixedOperation<T, ?, ?> resources, Set<String> namespaces,
      String labelSelector, Updated<T> seen, Consumer<T> gone) {
    ResourceEventHandler<T> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        seen.accept(null, resource);
      }

      @Override
      public void onUpdate(T previous, T resource) {
        seen.accept(previous, resource);
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {
        gone.accept(resource);
      }
    };
    if (namespaces.isEmpty()) {
      var scope = resources.inAnyNamespace();
      informers.add(labelSelector == null ? scope.inform(handler) : scope.withLabelSelector(labelSelector).inform(handler));
    } else {
      for (String namespace : namespaces) {
        var scope = resources.inNamespace(namespace);
        informers.add(labelSelector == null ? scope.inform(handler) : scope.withLabelSelector(labelSelector).inform(handler));
      }
    }
  }

  private interface Updated<T> {
    void accept(T previous, T current);
  }

  private synchronized void connectionSeen(DatabaseConnection previous, DatabaseConnection connection) {
    String engine = ConnectionSeries.engineOf(connection);
    String key = key(connection);
    String before = engines.put(key, engine);
    connections.update(connection);
    if (!engine.equals(before)) {
      relabelSchemasOf(connection.getMetadata().getNamespace(), connection.getMetadata().getName());
    }
  }

  private synchronized void connectionGone(DatabaseConnection connection) {
    engines.remove(key(connection));
    connections.remove(connection);
    relabelSchemasOf(connection.getMetadata().getNamespace(), connection.getMetadata().getName());
  }

  private synchronized void schemaSeen(DatabaseSchema previous, DatabaseSchema schema) {
    lastSchemas.put(key(schema), schema);
    schemas.update(previous, schema, engineOf(schema));
  }

  private synchronized void schemaGone(DatabaseSchema schema) {
    lastSchemas.remove(key(schema));
    schemas.remove(schema);
  }

  private synchronized void setSeen(DatabaseSchemaSet set) {
    sets.update(set);
  }

  private synchronized void setGone(DatabaseSchemaSet set) {
    sets.remove(set);
  }

  private void relabelSchemasOf(String namespace, String connectionName) {
    for (DatabaseSchema schema : lastSchemas.values()) {
      if (schema.getMetadata().getNamespace().equals(namespace) && schema.getSpec() != null
          && schema.getSpec().getConnectionRef() != null
          && connectionName.equals(schema.getSpec().getConnectionRef().getName())) {
        schemas.update(schema, schema, engineOf(schema));
      }
    }
  }

  private String engineOf(DatabaseSchema schema) {
    if (schema.getSpec() == null || schema.getSpec().getConnectionRef() == null) {
      return ConnectionSeries.UNKNOWN;
    }
    return engines.getOrDefault(schema.getMetadata().getNamespace() + "/" + schema.getSpec().getConnectionRef().getName(),
        ConnectionSeries.UNKNOWN);
  }

  private static String key(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  /** True once every resource list has been read: before that the series are incomplete. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
