package io.dbops.schemaoperator.controller.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;

/**
 * The one way our controllers write status: the whole status, skipped when nothing changed. It is
 * written onto a freshly read copy of the resource, and retried once when someone changed the
 * resource in between, so a status write never overwrites a person's spec edit.
 */
public final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONFLICT = 409;
  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** @return true when status was written */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <S, T extends CustomResource<?, S>> boolean write(T resource, S previousStatus, S newStatus) {
    if (Objects.equals(JSON.valueToTree(previousStatus), JSON.valueToTree(newStatus))) {
      return false;
    }
    for (int attempt = 1; ; attempt++) {
      T fresh = (T) client.resources(resource.getClass())
          .inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName())
          .get();
      if (fresh == null) {
        return false;
      }
      fresh.setStatus(newStatus);
      try {
        ((io.fabric8.kubernetes.client.dsl.Resource) client.resource((HasMetadata) fresh)).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT || attempt >= 3) {
          throw e;
        }
      }
    }
  }
}
