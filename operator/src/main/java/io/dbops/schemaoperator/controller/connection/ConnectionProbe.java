package io.dbops.schemaoperator.controller.connection;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.DatabaseCreator;
import io.dbops.schemaoperator.migration.FailureClassifier;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationFailure;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * One short look at a database: can we log in, what server is it, how far away is it. On the
 * connection the schema controller's reads keep for the same login ({@link IdleConnections}), so a
 * probe at rest is one query, not a login: a new login happens when the Secret changes, when the
 * kept connection breaks, and at least every lifetime of a kept connection.
 */
public final class ConnectionProbe {
  private final JdbcTargets targets;
  private final IdleConnections connections;

  public ConnectionProbe(JdbcTargets targets, IdleConnections connections) {
    this.targets = targets;
    this.connections = connections;
  }

  public record Outcome(boolean reachable, String serverVersion, long latencyMillis, MigrationFailure failure) {}

  /** @param owner the DatabaseConnection probed, as {@link IdleConnections} knows its login's owner */
  public Outcome probe(String owner, ConnectionSettings settings, Login login) {
    try {
      return connections.use(owner, targets.application(settings, login), c -> {
        DatabaseMetaData meta = c.getMetaData();
        String version = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        long start = System.nanoTime();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          rs.next();
        }
        return new Outcome(true, version, (System.nanoTime() - start) / 1_000_000, null);
      });
    } catch (Exception e) {
      return new Outcome(false, null, 0, classifier(settings, login).classify(e));
    }
  }

  /** @return a failure, or null when the database exists now */
  public MigrationFailure createDatabase(ConnectionSettings settings, Login login) {
    try {
      new DatabaseCreator(targets).ensureExists(settings, login);
      return null;
    } catch (Exception e) {
      return classifier(settings, login).classify(e);
    }
  }

  private static FailureClassifier classifier(ConnectionSettings settings, Login login) {
    return FailureClassifier.of(settings, login);
  }
}
