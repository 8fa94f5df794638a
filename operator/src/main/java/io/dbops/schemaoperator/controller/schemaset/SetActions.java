package io.dbops.schemaoperator.controller.schemaset;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.builders.SchemaSetChildBuilder;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DeletionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a {@link RolloutPlan} out: creates and moves children, passes approvals and retries on,
 * releases children whose connection left the set. Each write stands alone: one that conflicts with
 * someone else's is left for the reconcile that the other write's event brings.
 */
final class SetActions {
  private static final Logger LOG = LoggerFactory.getLogger(SetActions.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;
  private static final int INVALID = 422;
  private final SetCaches caches;
  private final NameConflicts conflicts;
  private final Set<String> inheritedLabelKeys;

  SetActions(SetCaches caches, NameConflicts conflicts, Set<String> inheritedLabelKeys) {
    this.caches = caches;
    this.conflicts = conflicts;
    this.inheritedLabelKeys = Set.copyOf(inheritedLabelKeys);
  }

  /** @return whether a create found its name taken: the decision must be made again without that target */
  boolean apply(SetObservation o, RolloutPlan plan, KubernetesClient client, Instant now) {
    DatabaseSchemaSet set = o.set();
    for (Child stray : plan.release()) {
      release(set, stray, client);
    }
    boolean learnt = false;
    for (String connection : plan.create()) {
      learnt |= create(set, connection, o.templateHash(), client, now);
    }
    for (RolloutPlan.Move move : plan.move()) {
      move(set, move, o.templateHash(), client);
    }
    for (RolloutPlan.Approval approval : plan.approve()) {
      annotate(set, approval.child(), Annotations.APPROVE, approval.planHash(), client);
    }
    for (Child child : plan.retry()) {
      annotate(set, child.name(), Annotations.RETRY, plan.retryValue(), client);
    }
    return learnt;
  }

  private boolean create(DatabaseSchemaSet set, String connection, String templateHash, KubernetesClient client, Instant now) {
    DatabaseSchema child = SchemaSetChildBuilder.build(set, connection, templateHash, inheritedLabelKeys);
    String namespace = set.getMetadata().getNamespace();
    String name = child.getMetadata().getName();
    try {
      caches.childCreated(client.resource(child).create());
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == CONFLICT) {
        DatabaseSchema existing = client.resources(DatabaseSchema.class).inNamespace(namespace).withName(name).get();
        if (existing != null && Ownership.controlledBy(existing, set)) {
          // Ours, made by an earlier reconcile the cache had not caught up with.
          caches.childCreated(existing);
          return false;
        }
        conflicts.taken(namespace, name, SetObserver.takenMessage(name, connection), now);
        return true;
      }
      if (e.getCode() == INVALID) {
        conflicts.taken(namespace, name, "the API server refused DatabaseSchema " + name + ": "
            + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()) + "; change spec.template", now);
        return true;
      }
      throw e;
    }
  }

  /** The child's spec becomes the template's; its other metadata (a person's annotations, finalizers) stays. */
  private void move(DatabaseSchemaSet set, RolloutPlan.Move move, String templateHash, KubernetesClient client) {
    Child child = move.child();
    Optional<DatabaseSchema> cached = caches.labelledSchema(set.getMetadata().getNamespace(), child.name());
    if (cached.isEmpty()) {
      return;
    }
    DatabaseSchema previous = cached.get();
    DatabaseSchema desired = SchemaSetChildBuilder.build(set, move.connection(), templateHash, inheritedLabelKeys);
    DatabaseSchema moved = client.getKubernetesSerialization().clone(previous);
    moved.setStatus(null);
    moved.setSpec(desired.getSpec());
    Map<String, String> labels = new LinkedHashMap<>(previous.getMetadata().getLabels() == null ? Map.of() : previous.getMetadata().getLabels());
    labels.putAll(desired.getMetadata().getLabels());
    moved.getMetadata().setLabels(labels);
    Map<String, String> annotations = new HashMap<>(previous.getMetadata().getAnnotations() == null ? Map.of()
        : previous.getMetadata().getAnnotations());
    annotations.putAll(desired.getMetadata().getAnnotations());
    moved.getMetadata().setAnnotations(annotations);
    try {
      caches.childUpdated(client.resource(moved).update(), previous);
    } catch (KubernetesClientException e) {
      if (e.getCode() != CONFLICT && e.getCode() != NOT_FOUND) {
        throw e;
      }
      LOG.debug("moving {} to template {} lost a race ({}); its event brings the next try", child.name(), templateHash, e.getCode());
    }
  }

  /**
   * A connection left the set: its child goes, its data stays. deletionPolicy is set to Retain
   * before the delete, so the schema controller's clean-up (which reads the spec the delete finds)
   * never drops a tenant's schema because the template said Drop.
   */
  private void release(DatabaseSchemaSet set, Child child, KubernetesClient client) {
    String namespace = set.getMetadata().getNamespace();
    var resource = client.resources(DatabaseSchema.class).inNamespace(namespace).withName(child.name());
    try {
      // Always, even when the cache says Retain: a person may have edited the child a moment ago.
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"deletionPolicy\":\"" + DeletionPolicy.Retain.name() + "\"}}");
      resource.delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != NOT_FOUND) {
        throw e;
      }
    }
  }

  private void annotate(DatabaseSchemaSet set, String child, String key, String value, KubernetesClient client) {
    try {
      client.resources(DatabaseSchema.class).inNamespace(set.getMetadata().getNamespace()).withName(child)
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.createObjectNode().set("metadata", JSON.createObjectNode()
              .set("annotations", JSON.createObjectNode().put(key, value))).toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() != NOT_FOUND) {
        throw e;
      }
    }
  }
}
