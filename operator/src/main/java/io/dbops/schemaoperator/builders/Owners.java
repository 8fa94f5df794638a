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

  /** Whether {@code owner} (this very resource, by uid) is {@code object}'s controller. */
  public static boolean isControlledBy(io.fabric8.kubernetes.api.model.HasMetadata object,
      io.fabric8.kubernetes.api.model.HasMetadata owner) {
    return object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()) && owner.getKind().equals(ref.getKind())
            && owner.getMetadata().getName().equals(ref.getName())
            && java.util.Objects.equals(owner.getMetadata().getUid(), ref.getUid()));
  }
}
