package io.dbops.schemaoperator.builders;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

public final class Owners {
  private Owners() {}

  /**
   * The resource as controller owner: garbage collection removes what it made when it is deleted, and
   * blockOwnerDeletion keeps the owner (and its finalizer) around until they are gone.
   */
  public static OwnerReference controlledBy(io.fabric8.kubernetes.api.model.HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
