package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Kubernetes' garbage collector does, which the mock API server does not: an object whose
 * owners (ownerReferences) are all gone is deleted, and so on down the chain. Run on demand, once
 * a test has deleted something, over the kinds the operator creates or owns.
 */
final class GarbageCollector {
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(DatabaseConnection.class, DatabaseSchema.class,
      StatefulSet.class, Service.class, ConfigMap.class, Secret.class, PersistentVolumeClaim.class, Job.class, Pod.class);

  private GarbageCollector() {}

  /** Deletes the orphans in {@code namespace}; returns "Kind/name" of each one deleted. */
  static List<String> collect(KubernetesClient client, String namespace) {
    List<String> deleted = new ArrayList<>();
    boolean more = true;
    while (more) {
      List<HasMetadata> all = new ArrayList<>();
      KINDS.forEach(kind -> all.addAll(client.resources(kind).inNamespace(namespace).list().getItems()));
      Set<String> live = new HashSet<>();
      all.forEach(o -> live.add(o.getMetadata().getUid()));
      more = false;
      for (HasMetadata o : all) {
        var owners = o.getMetadata().getOwnerReferences();
        if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(r -> live.contains(r.getUid()))) {
          client.resource(o).delete();
          deleted.add(o.getKind() + "/" + o.getMetadata().getName());
          more = true;
        }
      }
    }
    return deleted;
  }
}
