package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import java.util.List;
import java.util.Map;

/**
 * Everything one reconcile knows about a DatabaseSchemaSet, read once ({@link SetObserver}); the
 * rollout decision is a function of it.
 *
 * @param invalid why the set cannot be acted on at all (a spec the API server would have refused), or null
 * @param templateHash the template's revision; null when invalid
 * @param targets the selected DatabaseConnections' names, sorted: the order children are moved in
 * @param children each target's child (named for it and controlled by this set), by connection name
 * @param strays children this set controls that belong to no target: released with deletionPolicy Retain
 * @param nameTaken targets whose child name another DatabaseSchema holds, with what to do about it
 */
record SetObservation(
    DatabaseSchemaSet set,
    String invalid,
    String templateHash,
    List<String> targets,
    Map<String, Child> children,
    List<Child> strays,
    Map<String, String> nameTaken) {

  String annotation(String key) {
    Map<String, String> annotations = set.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  String approval() {
    return annotation(Annotations.APPROVE);
  }

  String handledRetry() {
    return set.getStatus() == null ? null : set.getStatus().getHandledRetry();
  }
}
