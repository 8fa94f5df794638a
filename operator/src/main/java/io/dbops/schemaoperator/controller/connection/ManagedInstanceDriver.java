package io.dbops.schemaoperator.controller.connection;

import io.dbops.schemaoperator.builders.AdminSecretBuilder;
import io.dbops.schemaoperator.builders.InstanceServicesBuilder;
import io.dbops.schemaoperator.builders.InstanceStatefulSetBuilder;
import static io.dbops.schemaoperator.controller.common.ApiWrites.createIfAbsent;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.ManagedInstance;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.InstanceStatus;
import io.dbops.schemaoperator.model.Patterns;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes a managed database exist as spec.instance describes it: the admin Secret once, the
 * StatefulSet and its two Services. A change a StatefulSet cannot take is refused before anything
 * is written, so nothing is ever half-applied.
 */
final class ManagedInstanceDriver {
  private static final int CONFLICT = 409;
  private static final int TOO_MANY_REQUESTS = 429;
  private final SecureRandom random = new SecureRandom();
  private final WorkloadPolicy policy;

  ManagedInstanceDriver(WorkloadPolicy policy) {
    this.policy = policy;
  }

  /** Refused: nothing was changed. Otherwise the instance as it stands. */
  record Outcome(String refusedReason, String message, InstanceStatus status) {
    boolean refused() {
      return refusedReason != null;
    }

    boolean ready() {
      return status != null && status.getReadyReplicas() != null && status.getReadyReplicas() > 0;
    }
  }

  /**
   * @param cachedSet the instance's StatefulSet as the informer has it, if it has it
   * @param secret a Secret of the connection's namespace by name, empty when there is none
   */
  Outcome ensure(DatabaseConnection connection, KubernetesClient client, Optional<StatefulSet> cachedSet,
      Function<String, Optional<Secret>> secret) {
    Outcome unsupported = unsupported(connection);
    if (unsupported != null) {
      return unsupported;
    }
    Optional<WorkloadPolicy.Refusal> image = policy.checkInstance(connection);
    if (image.isPresent()) {
      return refused(image.get().reason(), image.get().message());
    }
    try {
      return apply(connection, client, cachedSet, secret);
    } catch (KubernetesClientException e) {
      if (e.getCode() < 400 || e.getCode() >= 500 || e.getCode() == CONFLICT || e.getCode() == TOO_MANY_REQUESTS) {
        throw e;
      }
      // Invalid (422), forbidden by a quota or an admission policy (403), or otherwise refused: as the
      // spec stands it will be refused again, so a person must change something.
      String refusal = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
      return refused("InstanceRejected", "the API server refused an object of this instance (" + refusal
          + "): change spec.instance (image, resources or storage) or what the message names, e.g. a quota");
    }
  }

  private Outcome apply(DatabaseConnection connection, KubernetesClient client, Optional<StatefulSet> cachedSet,
      Function<String, Optional<Secret>> secret) {
    String namespace = connection.getMetadata().getNamespace();
    StatefulSet desired = InstanceStatefulSetBuilder.build(connection);
    // From the cache when it has it: a stale copy at worst makes an update fail with Conflict, retried.
    StatefulSet existing = cachedSet.orElseGet(
        () -> client.apps().statefulSets().inNamespace(namespace).withName(desired.getMetadata().getName()).get());
    if (existing != null && !Ownership.controlledBy(existing, connection)) {
      return refused("InstanceNameTaken", takenMessage("StatefulSet", existing.getMetadata().getName()));
    }
    if (existing != null) {
      String change = refusedChange(existing, desired, connection);
      if (change != null) {
        return refused("InstanceChangeRefused", change);
      }
    }
    // Never regenerated, never overwritten: a Secret already there is the password the data was made with.
    String adminSecret = ManagedInstance.adminSecretName(connection);
    if (secret.apply(adminSecret).isEmpty()) {
      createIfAbsent(client, AdminSecretBuilder.build(connection, random));
    }
    for (Service service : List.of(InstanceServicesBuilder.headless(connection), InstanceServicesBuilder.client(connection))) {
      // Read first: once the instance is up (every later probe) the Services exist, and a create would be
      // a Conflict and a read anyway.
      Service current = client.services().inNamespace(namespace).withName(service.getMetadata().getName()).get();
      current = current != null ? current : createIfAbsent(client, service);
      // One made by someone else would route the operator's and the Jobs' connections wherever it points.
      if (!Ownership.controlledBy(current, connection)) {
        return refused("InstanceNameTaken", takenMessage("Service", service.getMetadata().getName()));
      }
    }
    if (existing == null) {
      existing = createIfAbsent(client, desired);
    } else if (!Objects.equals(existing.getSpec().getTemplate().getSpec().getContainers(),
        desired.getSpec().getTemplate().getSpec().getContainers())) {
      // Image, resources or settings changed: the StatefulSet rolls its Pod; the claim stays.
      existing.getSpec().setTemplate(desired.getSpec().getTemplate());
      existing = client.apps().statefulSets().inNamespace(namespace).resource(existing).update();
    }
    InstanceStatus status = new InstanceStatus();
    status.setStatefulSet(desired.getMetadata().getName());
    status.setService(ManagedInstance.serviceName(connection));
    status.setAdminSecret(ManagedInstance.adminSecretName(connection));
    status.setReadyReplicas(existing == null || existing.getStatus() == null || existing.getStatus().getReadyReplicas() == null
        ? 0 : existing.getStatus().getReadyReplicas());
    return new Outcome(null, null, status);
  }

  private static Outcome unsupported(DatabaseConnection connection) {
    String name = connection.getMetadata().getName();
    if (!name.matches(Patterns.INSTANCE_NAME)) {
      // The CRD refuses such names; one stored before that rule would fail half-way through the objects.
      return refused("InstanceNameInvalid", "the instance's StatefulSet and Services are named after this"
          + " DatabaseConnection, and '" + name + "' cannot be a Service name: use a name of at most 52 lower-case"
          + " letters, digits and '-' that starts with a letter, and create the DatabaseConnection again under it");
    }
    Engine engine = connection.getSpec().getEngine();
    if (engine == Engine.MYSQL) {
      return refused("InstanceNotSupported", "a managed instance runs MariaDB, which speaks MySQL's protocol: set spec.engine: mariadb,"
          + " or use spec.host for a MySQL server you run");
    }
    var sqlserver = connection.getSpec().getInstance().getSqlserver();
    if (engine == Engine.SQLSERVER && (sqlserver == null || !Boolean.TRUE.equals(sqlserver.getAcceptEula()))) {
      return refused("EulaNotAccepted", "SQL Server's image runs only once its licence terms are accepted: read them"
          + " (https://go.microsoft.com/fwlink/?LinkId=746388) and set spec.instance.sqlserver.acceptEula: true");
    }
    return null;
  }

  /** What of the spec a StatefulSet cannot take, in words that say what to do; null when it can take it all. */
  private static String refusedChange(StatefulSet existing, StatefulSet desired, DatabaseConnection connection) {
    String engineBefore = existing.getMetadata().getLabels() == null ? null : existing.getMetadata().getLabels().get(Labels.NAME);
    if (engineBefore != null && !engineBefore.equals(connection.getSpec().getEngine().wireName())) {
      return "spec.engine cannot change from " + engineBefore + " on a deployed instance: put it back, or create another"
          + " DatabaseConnection and move the data";
    }
    PersistentVolumeClaim before = existing.getSpec().getVolumeClaimTemplates().get(0);
    PersistentVolumeClaim after = desired.getSpec().getVolumeClaimTemplates().get(0);
    if (!Objects.equals(before.getSpec().getStorageClassName(), after.getSpec().getStorageClassName())) {
      return "spec.instance.storage.storageClassName cannot change on a deployed instance (its volume was made with "
          + before.getSpec().getStorageClassName() + "): put it back, or create another DatabaseConnection and move the data";
    }
    Quantity sizeBefore = before.getSpec().getResources().getRequests().get("storage");
    Quantity sizeAfter = after.getSpec().getResources().getRequests().get("storage");
    int order = Quantity.getAmountInBytes(sizeAfter).compareTo(Quantity.getAmountInBytes(sizeBefore));
    if (order < 0) {
      return "spec.instance.storage.size cannot shrink from " + sizeBefore + " to " + sizeAfter + ": volumes only grow";
    }
    if (order > 0) {
      return "spec.instance.storage.size cannot grow through the StatefulSet (its claim template is fixed): expand the claim"
          + " data-" + existing.getMetadata().getName() + "-0 itself if its storage class allows it, then set " + sizeBefore
          + " back here";
    }
    return null;
  }

  private static String takenMessage(String kind, String name) {
    return "a " + kind + " named " + name + " exists in this namespace and does not belong to this DatabaseConnection:"
        + " delete it, or give the connection another name";
  }

  private static Outcome refused(String reason, String message) {
    return new Outcome(reason, message, null);
  }

}
