package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.builders.ManagedInstance;
import io.dbops.schemaoperator.model.DatabaseConnection;

/**
 * Where this process reaches a managed database's client Service. In a cluster that is its DNS
 * name; tests, which have no cluster DNS, pass where their stand-in database listens.
 */
@FunctionalInterface
public interface InstanceAddresses {
  Address of(DatabaseConnection connection);

  record Address(String host, int port) {}

  InstanceAddresses CLUSTER_DNS = c -> new Address(ManagedInstance.serviceHost(c), ManagedInstance.port(c));

  /** The connection as an external database at its instance's address; other connections as they are. */
  default DatabaseConnection resolve(DatabaseConnection connection) {
    if (connection == null || !ManagedInstance.isManaged(connection)) {
      return connection;
    }
    Address address = of(connection);
    return ManagedInstance.asExternal(connection, address.host(), address.port());
  }
}
