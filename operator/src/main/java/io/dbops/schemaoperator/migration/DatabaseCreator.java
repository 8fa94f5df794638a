package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;

/** Creates the application database when createDatabase asks for it and it is missing. */
public final class DatabaseCreator {
  private final JdbcTargets targets;

  public DatabaseCreator(JdbcTargets targets) {
    this.targets = targets;
  }

  /** @return true when this call created the database */
  public boolean ensureExists(ConnectionSettings settings, Login login) throws SQLException {
    if (settings.database() == null) {
      throw new ConfigurationException("createDatabase is set but spec.database is empty: name the database to create");
    }
    EngineDialect dialect = EngineDialect.of(settings.engine());
    try (Connection admin = targets.admin(settings, login).connect()) {
      if (dialect.databaseExists(admin, settings.database())) {
        return false;
      }
      dialect.createDatabase(admin, settings.database());
      return true;
    }
  }
}
