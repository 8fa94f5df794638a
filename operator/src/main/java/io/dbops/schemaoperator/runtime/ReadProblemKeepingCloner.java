package io.dbops.schemaoperator.runtime;

import io.dbops.schemaoperator.model.TolerantlyRead;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * java-operator-sdk's copy of a resource, made the way it makes it (through JSON), plus the one
 * thing JSON does not carry: why a part of the resource could not be read. Without it a reconciler
 * would see only a missing spec, and could not say which field to correct.
 */
final class ReadProblemKeepingCloner implements Cloner {
  private final KubernetesSerialization serialization;

  ReadProblemKeepingCloner(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  public <R extends HasMetadata> R clone(R resource) {
    R copy = serialization.clone(resource);
    if (resource instanceof TolerantlyRead original && copy instanceof TolerantlyRead copied) {
      copied.setReadProblem(original.readProblem());
    }
    return copy;
  }
}
