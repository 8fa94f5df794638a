package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

final class Owners {
  private Owners() {}

  /**
   * The schema as controller owner: garbage collection removes what it made when it is deleted, and
   * blockOwnerDeletion keeps the schema (and its finalizer) around until they are gone.
   */
  static OwnerReference controlledBy(DatabaseSchema schema) {
    return new OwnerReferenceBuilder()
        .withApiVersion(schema.getApiVersion())
        .withKind(schema.getKind())
        .withName(schema.getMetadata().getName())
        .withUid(schema.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
