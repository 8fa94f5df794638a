package io.dbops.schemaoperator.controller.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes to the API server that several controllers make the same way. */
public final class ApiWrites {
  private static final int CONFLICT = 409;

  private ApiWrites() {}

  /**
   * Creates the object, or takes the one already stored under its name and leaves it as it is: for
   * objects that are never updated once made (content-named ConfigMaps, a generated Secret) or that
   * another step updates. One request when it is new, where a read first would always cost two.
   */
  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> T createIfAbsent(KubernetesClient client, T object) {
    try {
      return client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != CONFLICT) {
        throw e;
      }
      return (T) client.resource(object).get();
    }
  }
}
