package io.dbops.schemaoperator.bench;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** How a benchmark watches what the operator writes: every version of an object it sees, deletions aside. */
final class Watches {
  private Watches() {}

  static <T> ResourceEventHandler<T> handler(Consumer<T> observe) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        observe.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        observe.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}
