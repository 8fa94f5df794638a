package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * What a migration changes, as a short key: two resources whose Jobs would change the same thing
 * must not run at once. Jobs carry their key in a label, so the lock is visible to any replica.
 */
final class TargetKeys {
  static final String LABEL = "dbops.io/target";

  private TargetKeys() {}

  /**
   * Which database and default schema a Job changes. The default schema is where Flyway keeps its
   * history table; resources with different default schemas in one database do not touch each
   * other's history and may run side by side. No spec.schemas means the login's default schema,
   * which only other resources without spec.schemas are known to share.
   */
  static String of(DatabaseConnection connection, DatabaseSchema schema) {
    List<String> schemas = schema.getSpec() == null ? null : schema.getSpec().getSchemas();
    String defaultSchema = schemas == null || schemas.isEmpty() ? "" : schemas.get(0);
    return Sha256.hex(databaseIdentity(connection) + "|" + defaultSchema).substring(0, 16);
  }

  /** Which database a connection reaches, whatever schema in it. */
  static String database(DatabaseConnection connection) {
    return Sha256.hex(databaseIdentity(connection)).substring(0, 16);
  }

  /**
   * The database a connection reaches, when that can be compared with other connections: not for a
   * URL kept in a Secret, which the operator does not read for this.
   */
  static Optional<String> comparableDatabase(DatabaseConnection connection) {
    return connection.getSpec().getUrlFrom() == null ? Optional.of(database(connection)) : Optional.empty();
  }

  /** The key a Job was labelled with, if it was. */
  static Optional<String> of(Job job) {
    return job.getMetadata().getLabels() == null ? Optional.empty() : Optional.ofNullable(job.getMetadata().getLabels().get(LABEL));
  }

  private static String databaseIdentity(DatabaseConnection connection) {
    var spec = connection.getSpec();
    // A URL kept in a Secret cannot be read here, so such a connection stands for its own database.
    return spec.getUrlFrom() == null
        ? spec.getEngine() + "|" + (spec.getHost() == null ? null : spec.getHost().toLowerCase(java.util.Locale.ROOT)) + "|"
            + spec.effectivePort() + "|" + spec.getDatabase()
        : "urlFrom|" + connection.getMetadata().getNamespace() + "/" + connection.getMetadata().getName();
  }
}
