package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The two Services of a managed database: the StatefulSet's headless one, and the one clients use. */
public final class InstanceServicesBuilder {
  private InstanceServicesBuilder() {}

  /** Gives the Pod its stable DNS name (the StatefulSet's serviceName). */
  public static Service headless(DatabaseConnection connection) {
    return service(connection, ManagedInstance.headlessServiceName(connection), true);
  }

  /** The address in status.endpoint, which the operator and migration Jobs connect to. */
  public static Service client(DatabaseConnection connection) {
    return service(connection, ManagedInstance.serviceName(connection), false);
  }

  private static Service service(DatabaseConnection connection, String name, boolean headless) {
    int port = ManagedInstance.port(connection);
    ServiceBuilder service = new ServiceBuilder()
        .withNewMetadata()
            .withName(name)
            .withNamespace(connection.getMetadata().getNamespace())
            .withLabels(ManagedInstance.labels(connection))
            .withOwnerReferences(Owners.controlledBy(connection))
        .endMetadata()
        .withNewSpec()
            .withSelector(ManagedInstance.selector(connection))
            .addNewPort().withName("db").withPort(port).withNewTargetPort("db").endPort()
        .endSpec();
    if (headless) {
      // Ready or not: the database must be reachable by name while it starts, for its own probe.
      service.editSpec().withClusterIP("None").withPublishNotReadyAddresses(true).endSpec();
    }
    return service.build();
  }
}
