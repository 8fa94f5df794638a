package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import java.util.List;
import java.util.Optional;

/**
 * Whether another DatabaseSchema may still use a schema that deleting this one with Drop would drop.
 * Both sides are compared as the operator reaches them (a managed instance at its Service), from the
 * controller's own caches, so this works with the namespace-scoped rights WATCH_NAMESPACES gives.
 * Where it cannot be told (a connection is gone, or names its database only inside a URL Secret),
 * the answer is yes: a drop refused keeps data, a drop wrongly allowed loses someone else's.
 */
final class SharedSchemas {
  private final SchemaCaches caches;
  private final InstanceAddresses instanceAddresses;

  SharedSchemas(SchemaCaches caches, InstanceAddresses instanceAddresses) {
    this.caches = caches;
    this.instanceAddresses = instanceAddresses;
  }

  /** Why the drop must not run, or empty when no other resource uses these schemas on this database. */
  Optional<String> usedElsewhere(DatabaseSchema schema, DatabaseConnection connection) {
    Optional<String> mine = TargetKeys.comparableDatabase(connection);
    for (DatabaseSchema other : caches.schemas(null)) {
      boolean self = other.getMetadata().getNamespace().equals(schema.getMetadata().getNamespace())
          && other.getMetadata().getName().equals(schema.getMetadata().getName());
      if (self || other.getSpec() == null || other.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      List<String> overlap = other.getSpec().getSchemas().stream().filter(schema.getSpec().getSchemas()::contains).toList();
      if (overlap.isEmpty()) {
        continue;
      }
      String who = describe(other, schema);
      DatabaseConnection theirs = instanceAddresses.resolve(caches.connection(other.getMetadata().getNamespace(),
          other.getSpec().getConnectionRef().getName()).orElse(null));
      boolean sameConnection = theirs != null && theirs.getMetadata().getNamespace().equals(connection.getMetadata().getNamespace())
          && theirs.getMetadata().getName().equals(connection.getMetadata().getName());
      Optional<String> theirsId = theirs == null ? Optional.empty() : TargetKeys.comparableDatabase(theirs);
      if (sameConnection || (mine.isPresent() && mine.equals(theirsId))) {
        return Optional.of(who + " still uses schema " + overlap.get(0) + " on the same database, so it was not dropped");
      }
      if (mine.isEmpty() || theirsId.isEmpty()) {
        return Optional.of(who + " uses schema " + overlap.get(0) + " and it cannot be told whether on the same database"
            + " (a connection is missing or given as urlFrom), so it was not dropped");
      }
    }
    return Optional.empty();
  }

  /** Another resource as the deleted one's owner may see it: by name only in its own namespace. */
  private static String describe(DatabaseSchema other, DatabaseSchema schema) {
    return other.getMetadata().getNamespace().equals(schema.getMetadata().getNamespace())
        ? "DatabaseSchema " + other.getMetadata().getName()
        : "a DatabaseSchema in another namespace";
  }
}
