package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

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
    return new ConnectionSettings(Engine.POSTGRES, "localhost", port(), database, TlsMode.DISABLE, null,
        settings.parameters(), true);
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
