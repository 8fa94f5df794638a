package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.DatabaseCreator;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

/**
 * A throw-away PostgreSQL for `--embedded`: a newcomer with no database sees the whole flow, and a
 * pipeline checks that a schema applies cleanly to a fresh database. Connections are redirected to
 * it, their databases created, and its superuser used.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer(EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  int port() {
    return postgres.getPort();
  }

  ConnectionSettings redirect(ConnectionSettings settings, String connectionName) {
    if (settings.engine() != Engine.POSTGRES) {
      throw new ConfigurationException("--embedded runs PostgreSQL only, and DatabaseConnection " + connectionName
          + " is " + settings.engine().wireName() + ": run without --embedded against a real server");
    }
    String database = settings.database() == null ? connectionName.replace('-', '_') : settings.database();
    ConnectionSettings redirected = new ConnectionSettings(Engine.POSTGRES, "localhost", port(), database,
        TlsMode.DISABLE, null, settings.parameters(), true);
    // The server is throw-away, so its database exists from the start: plan can then show checksums.
    try {
      new DatabaseCreator(JdbcTargets.withTemporaryTrustStores()).ensureExists(redirected, login());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database + " in the embedded PostgreSQL", e);
    }
    return redirected;
  }

  Login login() {
    return Login.of("postgres", "postgres");
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
