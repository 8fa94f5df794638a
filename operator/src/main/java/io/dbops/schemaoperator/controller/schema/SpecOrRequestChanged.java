package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which updates of a DatabaseSchema are worth a reconcile: a new generation, a person's request through
 * a dbops.io/ annotation (approve, retry, repair: annotations do not bump the generation, and
 * java-operator-sdk's generation filter alone would drop them until some unrelated event), deletion,
 * or a finalizer change. The operator's own status writes are not.
 */
public final class SpecOrRequestChanged implements OnUpdateFilter<DatabaseSchema> {
  private static final String PREFIX = "dbops.io/";

  @Override
  public boolean accept(DatabaseSchema updated, DatabaseSchema previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !requests(updated).equals(requests(previous))
        || updated.isMarkedForDeletion() != previous.isMarkedForDeletion()
        || !Objects.equals(updated.getMetadata().getFinalizers(), previous.getMetadata().getFinalizers());
  }

  private static Map<String, String> requests(DatabaseSchema schema) {
    Map<String, String> requests = new TreeMap<>();
    Map<String, String> annotations = schema.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.forEach((key, value) -> {
        if (key.startsWith(PREFIX)) {
          requests.put(key, value);
        }
      });
    }
    return requests;
  }
}
