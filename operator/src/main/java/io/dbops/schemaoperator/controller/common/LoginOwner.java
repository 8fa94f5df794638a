package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.model.DatabaseConnection;

/**
 * Who logs in with a connection's login, as {@link io.dbops.schemaoperator.migration.IdleConnections}
 * knows it: the DatabaseConnection itself, whether its probe or a schema's read comes. When the
 * login it resolves to changes, the connections kept for the old one are closed.
 */
public final class LoginOwner {
  private LoginOwner() {}

  public static String of(DatabaseConnection connection) {
    return connection.getMetadata().getNamespace() + "/" + connection.getMetadata().getName();
  }
}
