package io.dbops.schemaoperator.controller.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose an object is. Labels are written by anyone who may create the object, so a lock, a run's
 * result or a deletion guard is believed only from an object whose controller owner reference names
 * a live owner by uid: a uid cannot be reused, and an owner reference reaches only its own namespace.
 */
public final class Ownership {
  private Ownership() {}

  /** The owner reference that marks {@code object}'s controller, if it has one. */
  public static Optional<OwnerReference> controller(HasMetadata object) {
    var refs = object.getMetadata().getOwnerReferences();
    return refs == null ? Optional.empty() : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** Whether {@code owner}, as it is now, is {@code object}'s controller: same namespace, kind, name and uid. */
  public static boolean controlledBy(HasMetadata object, HasMetadata owner) {
    if (owner == null || owner.getMetadata().getUid() == null
        || !Objects.equals(object.getMetadata().getNamespace(), owner.getMetadata().getNamespace())) {
      return false;
    }
    return controller(object)
        .filter(r -> owner.getKind().equals(r.getKind()))
        .filter(r -> owner.getMetadata().getName().equals(r.getName()))
        .filter(r -> owner.getMetadata().getUid().equals(r.getUid()))
        .isPresent();
  }
}
