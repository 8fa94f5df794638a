package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the set controller watches: DatabaseSchemas labelled as some set's child (the label only
 * narrows the cache down; a child is believed only when its controller owner reference names the
 * set by uid) and the DatabaseConnections its selectors choose from.
 */
final class SetCaches {
  private volatile InformerEventSource<DatabaseSchema, DatabaseSchemaSet> children;
  private volatile InformerEventSource<DatabaseConnection, DatabaseSchemaSet> connections;

  List<EventSource<?, DatabaseSchemaSet>> prepare(EventSourceContext<DatabaseSchemaSet> context) {
    InformerEventSourceConfiguration<DatabaseSchema> childConfig = InformerEventSourceConfiguration
        .from(DatabaseSchema.class, DatabaseSchemaSet.class)
        .withLabelSelector(Labels.SCHEMA_SET)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DatabaseSchemaSet.class))
        // A child rewrites its status several times per run; only what a rollout reads wakes the set.
        .withOnUpdateFilter((updated, previous) -> !Child.of(updated).equals(Child.of(previous)))
        .build();
    InformerEventSourceConfiguration<DatabaseConnection> connectionConfig = InformerEventSourceConfiguration
        .from(DatabaseConnection.class, DatabaseSchemaSet.class)
        // Which connections a set selects depends on their labels alone; probes rewrite status every minute.
        .withOnUpdateFilter((updated, previous) -> !Objects.equals(updated.getMetadata().getLabels(), previous.getMetadata().getLabels())
            || !Objects.equals(updated.getMetadata().getDeletionTimestamp(), previous.getMetadata().getDeletionTimestamp()))
        // A connection whose labels changed may have left a set that no longer matches it: every set
        // in its namespace looks (sets are few).
        .withSecondaryToPrimaryMapper(connection -> context.getPrimaryCache()
            .list(connection.getMetadata().getNamespace())
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    children = new InformerEventSource<>(childConfig, context);
    connections = new InformerEventSource<>(connectionConfig, context);
    return List.of(children, connections);
  }

  /** The connections in {@code namespace}, and only there: a set never reaches into another namespace. */
  List<DatabaseConnection> connections(String namespace) {
    InformerEventSource<DatabaseConnection, DatabaseSchemaSet> source = connections;
    return source == null ? List.of() : source.list(namespace, c -> true).toList();
  }

  /** A labelled DatabaseSchema by name, whoever it belongs to. */
  Optional<DatabaseSchema> labelledSchema(String namespace, String name) {
    InformerEventSource<DatabaseSchema, DatabaseSchemaSet> source = children;
    return source == null ? Optional.empty() : source.get(new ResourceID(name, namespace));
  }

  /** The DatabaseSchemas {@code set} controls (uid checked). */
  List<DatabaseSchema> childrenOf(DatabaseSchemaSet set) {
    InformerEventSource<DatabaseSchema, DatabaseSchemaSet> source = children;
    return source == null ? List.of()
        : source.getSecondaryResources(set).stream().filter(c -> Ownership.controlledBy(c, set)).toList();
  }

  /** The informer learns of a write a moment later; until then its cache answers with what was written. */
  void childCreated(DatabaseSchema created) {
    children.handleRecentResourceCreate(ResourceID.fromResource(created), created);
  }

  void childUpdated(DatabaseSchema updated, DatabaseSchema previous) {
    children.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, previous);
  }
}
