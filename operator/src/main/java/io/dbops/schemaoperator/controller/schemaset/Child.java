package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the set controller needs to know of one child DatabaseSchema, read from it once. Everything
 * a rollout depends on is here, so the rollout's state survives an operator restart: it lives in
 * the children (their template annotation, their conditions), not in the operator's memory.
 *
 * @param connection the connection its spec names
 * @param templateHash the template revision its spec was made from (annotation), or null
 * @param reason the Stalled reason when it failed, else its Ready reason; may be null
 * @param planHash status.planHash: what an approval of its current plan must name
 * @param approved its dbops.io/approve annotation
 * @param retry its dbops.io/retry annotation
 * @param deleting it has a deletion timestamp: it is on its way out
 */
record Child(String name, String connection, String templateHash, State state, String reason, String message,
    String planHash, String approved, String retry, boolean deleting) {

  enum State {
    /** Ready at the generation it has now. */
    READY,
    /** Stalled: it cannot go on until a person acts. */
    FAILED,
    /** approval: Manual and its plan waits for dbops.io/approve. */
    AWAITING_APPROVAL,
    /** Anything else: a spec not observed yet, a Job running, a wait for a lock or a connection, a retry scheduled. */
    IN_PROGRESS
  }

  static Child of(DatabaseSchema schema) {
    Map<String, String> annotations = schema.getMetadata().getAnnotations() == null ? Map.of() : schema.getMetadata().getAnnotations();
    String connection = schema.getSpec() == null || schema.getSpec().getConnectionRef() == null
        ? null : schema.getSpec().getConnectionRef().getName();
    DatabaseSchemaStatus status = schema.getStatus();
    boolean deleting = schema.getMetadata().getDeletionTimestamp() != null;
    boolean observed = status != null && status.getObservedGeneration() != null
        && Objects.equals(status.getObservedGeneration(), schema.getMetadata().getGeneration());
    State state;
    Optional<Condition> said;
    if (deleting || !observed) {
      state = State.IN_PROGRESS;
      said = Optional.empty();
    } else if (Conditions.isTrue(status.getConditions(), Conditions.STALLED)) {
      state = State.FAILED;
      said = Conditions.find(status.getConditions(), Conditions.STALLED);
    } else if (Conditions.isTrue(status.getConditions(), Conditions.READY)) {
      state = State.READY;
      said = Conditions.find(status.getConditions(), Conditions.READY);
    } else if (Conditions.isTrue(status.getConditions(), Conditions.APPROVAL_PENDING)) {
      state = State.AWAITING_APPROVAL;
      said = Conditions.find(status.getConditions(), Conditions.READY);
    } else {
      state = State.IN_PROGRESS;
      said = Conditions.find(status.getConditions(), Conditions.READY);
    }
    return new Child(schema.getMetadata().getName(), connection, annotations.get(Labels.TEMPLATE_HASH), state,
        said.map(Condition::getReason).orElse(null), said.map(Condition::getMessage).orElse(null),
        status == null ? null : status.getPlanHash(), annotations.get(Annotations.APPROVE), annotations.get(Annotations.RETRY),
        deleting);
  }

  /** Taking one of maxParallel's places: moved or moving, not yet Ready or failed. */
  boolean busy() {
    return state == State.IN_PROGRESS || state == State.AWAITING_APPROVAL;
  }

  /** Made from {@code templateHash} for {@code target}: nothing for the rollout to do. */
  boolean at(String currentTemplate, String target) {
    return currentTemplate.equals(templateHash) && target.equals(connection);
  }
}
