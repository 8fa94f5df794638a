package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/** What differs between engines: URL shape, TLS properties, session settings, database creation. */
public interface EngineDialect {

  static EngineDialect of(Engine engine) {
    return switch (engine) {
      case POSTGRES -> new PostgresDialect();
      case MYSQL -> new MySqlDialect(false);
      case MARIADB -> new MySqlDialect(true);
      case SQLSERVER -> new SqlServerDialect();
    };
  }

  /** URL of the application database, or with {@code admin} of the engine's admin database. */
  String url(ConnectionSettings settings, boolean admin);

  /** Driver properties for TLS, timeouts and the database name where the URL does not carry it. */
  Properties properties(ConnectionSettings settings, boolean admin, TrustStoreFactory trustStores);

  /**
   * What the operator's connections carry whatever the login: its name for the server's session
   * lists, and connect and login timeouts so that an unreachable server cannot hold a reconcile.
   */
  Properties clientDefaults();

  /**
   * Session settings applied to every connection Flyway opens. {@code lockSeconds} is how long a
   * statement waits for a lock another session holds; 0 means not at all: it fails at once (a lock
   * timeout, retried as transient), on every engine alike.
   */
  String initSql(int lockSeconds, int statementSeconds);

  /** A query with one parameter, the database name, that returns a row when the database exists. */
  String databaseExistsQuery();

  default boolean databaseExists(Connection admin, String database) throws SQLException {
    try (PreparedStatement st = admin.prepareStatement(databaseExistsQuery())) {
      st.setString(1, database);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Creates the database; must succeed quietly when another runner created it first. */
  void createDatabase(Connection admin, String database) throws SQLException;

  String quoteIdentifier(String identifier);

  /**
   * One query for every row of Flyway's history table ({@link SchemaHistoryRow#COLUMNS}, in
   * installed order) in {@code schema}, or with null in the schema Flyway takes for the default:
   * the table an unqualified name finds elsewhere is not Flyway's and yields no rows.
   */
  String historyQuery(String schema);

  /** Whether CREATE, ALTER and DROP roll back with the transaction they ran in. */
  boolean transactionalDdl();

  /** Why a schema must not be dropped, or null when it may be. */
  String dropRefusal(String schema, String database);

  String dropSchemaSql(String schema);

  /** Makes a trust store from the PEM CA certificate, for drivers that cannot read PEM. */
  interface TrustStoreFactory {
    TrustStore fromPem(Path pem);
  }

  record TrustStore(Path path, String password, String type) {}
}
