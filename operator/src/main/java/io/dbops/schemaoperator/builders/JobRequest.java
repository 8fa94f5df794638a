package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one migration Job is made from.
 *
 * @param desiredHash {@link DesiredHash#of}: lowercase hex, at least 6 characters
 * @param attempt which run for this hash this is; part of the Job's name so a retry gets a new Job
 * @param scriptsConfigMap the name of {@link ScriptsConfigMapBuilder#build}'s ConfigMap; required
 *     when the schema has inline scripts
 */
public record JobRequest(DatabaseSchema schema, DatabaseConnection connection, String desiredHash, int attempt,
    MigrationResult.Operation operation, String operatorImage, Optional<String> scriptsConfigMap) {

  public JobRequest {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(schema.getSpec(), "schema.spec");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(connection.getSpec(), "connection.spec");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(operatorImage, "operatorImage");
    scriptsConfigMap = scriptsConfigMap == null ? Optional.empty() : scriptsConfigMap;
    // Checked here rather than by the API server, where a bad value would surface only as a failed create.
    if (desiredHash == null || !desiredHash.matches("^[0-9a-f]{6,64}$")) {
      throw new IllegalArgumentException("desiredHash must be lowercase hex of 6 to 64 characters (DesiredHash.of), got " + desiredHash);
    }
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
    }
  }
}
