package io.dbops.schemaoperator.controller.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Objects;

/**
 * The one way our controllers write status: a merge patch of the whole status, skipped when
 * nothing changed. A merge patch carries no resourceVersion, so writing status never conflicts
 * with a person editing the spec at the same moment.
 */
public final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** @return true when a patch was sent */
  public <T extends HasMetadata> boolean write(T resource, Object previousStatus, Object newStatus) {
    if (Objects.equals(JSON.valueToTree(previousStatus), JSON.valueToTree(newStatus))) {
      return false;
    }
    try {
      String patch = JSON.writeValueAsString(Map.of("status", newStatus));
      client.resources(resource.getClass())
          .inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("status does not serialize", e);
    }
  }
}
