package io.dbops.schemaoperator.controller.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

/**
 * The one way our controllers write status: the whole status, skipped when nothing changed, by PUT
 * to the status subresource. The API server takes only status from that request and keeps spec and
 * metadata as stored, so a status write never overwrites a person's spec edit. The request names
 * the resourceVersion the caller last saw; when someone changed the resource in between, the
 * server answers Conflict and the write is retried on a freshly read version.
 */
public final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONFLICT = 409;
  private static final int NOT_FOUND = 404;
  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param latest the newest version of the resource the caller knows, e.g. the one it reconciles
   * @return the resource as the server stored it, or null when nothing was written (no change, or the
   *     resource is gone)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <S, T extends CustomResource<?, S>> T write(T latest, S previousStatus, S newStatus) {
    if (Objects.equals(JSON.valueToTree(previousStatus), JSON.valueToTree(newStatus))) {
      return null;
    }
    String resourceVersion = latest.getMetadata().getResourceVersion();
    for (int attempt = 1; ; attempt++) {
      // Only status and the resourceVersion count in a status write; sending spec would cost the
      // server parsing it for nothing.
      T request = statusOnly(latest, resourceVersion, newStatus);
      try {
        return (T) ((io.fabric8.kubernetes.client.dsl.Resource) client.resource((HasMetadata) request)).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() == NOT_FOUND) {
          return null;
        }
        if (e.getCode() != CONFLICT || attempt >= 3) {
          throw e;
        }
      }
      T fresh = (T) client.resources(latest.getClass())
          .inNamespace(latest.getMetadata().getNamespace())
          .withName(latest.getMetadata().getName())
          .get();
      if (fresh == null) {
        return null;
      }
      resourceVersion = fresh.getMetadata().getResourceVersion();
    }
  }

  @SuppressWarnings("unchecked")
  private static <S, T extends CustomResource<?, S>> T statusOnly(T resource, String resourceVersion, S status) {
    T request;
    try {
      request = (T) resource.getClass().getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException | InvocationTargetException e) {
      throw new IllegalStateException("cannot make a status request for " + resource.getKind(), e);
    }
    request.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .withUid(resource.getMetadata().getUid())
        .withResourceVersion(resourceVersion)
        .build());
    request.setStatus(status);
    return request;
  }
}
