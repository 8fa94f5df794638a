package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

final class SqlServerDialect implements EngineDialect {
  private static final String ADMIN_DATABASE = "master";
  private static final int DATABASE_ALREADY_EXISTS = 1801;

  @Override
  public String url(ConnectionSettings s, boolean admin) {
    // The database and every other setting travel as properties, never as ';'-separated URL text.
    return "jdbc:sqlserver://" + s.host() + ":" + s.port();
  }

  @Override
  public Properties properties(ConnectionSettings s, boolean admin, TrustStoreFactory trustStores) {
    Properties p = clientDefaults();
    p.setProperty("databaseName", admin || s.database() == null ? ADMIN_DATABASE : s.database());
    switch (s.tlsMode()) {
      case DISABLE -> p.setProperty("encrypt", "false");
      case REQUIRE -> {
        p.setProperty("encrypt", "true");
        p.setProperty("trustServerCertificate", "true");
      }
      case VERIFY_CA -> {
        p.setProperty("encrypt", "true");
        p.setProperty("trustServerCertificate", "false");
        trustStore(p, trustStores.fromPem(s.caCertificate()));
      }
      case VERIFY_FULL -> {
        p.setProperty("encrypt", "true");
        p.setProperty("trustServerCertificate", "false");
        trustStore(p, trustStores.fromPem(s.caCertificate()));
        p.setProperty("hostNameInCertificate", s.host());
      }
    }
    return p;
  }

  private static void trustStore(Properties p, TrustStore store) {
    p.setProperty("trustStore", store.path().toString());
    p.setProperty("trustStorePassword", store.password());
    p.setProperty("trustStoreType", store.type());
  }

  @Override
  public Properties clientDefaults() {
    Properties p = new Properties();
    p.setProperty("applicationName", "schema-operator");
    p.setProperty("loginTimeout", "10");
    return p;
  }

  @Override
  public String initSql(int lockSeconds, int statementSeconds) {
    // SQL Server has no session statement timeout; queryTimeout in parameters bounds statements.
    // LOCK_TIMEOUT 0 is already "do not wait" (-1 would be forever, which lockSeconds cannot say).
    return "SET LOCK_TIMEOUT " + lockSeconds * 1000L;
  }

  @Override
  public String databaseExistsQuery() {
    return "SELECT 1 FROM sys.databases WHERE name = ?";
  }

  @Override
  public void createDatabase(Connection admin, String database) throws SQLException {
    try (Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + quoteIdentifier(database));
    } catch (SQLException e) {
      if (e.getErrorCode() != DATABASE_ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  @Override
  public String quoteIdentifier(String identifier) {
    return "[" + identifier.replace("]", "]]") + "]";
  }

  @Override
  public String historyQuery(String schema) {
    String select = "SELECT " + SchemaHistoryRow.COLUMNS + " FROM ";
    if (schema != null) {
      return select + quoteIdentifier(schema) + "." + quoteIdentifier(SchemaHistoryRow.TABLE) + " ORDER BY installed_rank";
    }
    // An unqualified name falls back to dbo; Flyway's default schema is SCHEMA_NAME() alone.
    return select + SchemaHistoryRow.TABLE + " WHERE OBJECT_SCHEMA_NAME(OBJECT_ID(N'" + SchemaHistoryRow.TABLE + "')) = SCHEMA_NAME()"
        + " ORDER BY installed_rank";
  }

  @Override
  public String dropRefusal(String schema, String database) {
    return "deletionPolicy Drop is not supported on SQL Server: a schema can only be dropped once every object in it is,"
        + " which the operator does not do; drop " + schema + " yourself";
  }

  @Override
  public String dropSchemaSql(String schema) {
    throw new UnsupportedOperationException("refused by dropRefusal");
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }
}
