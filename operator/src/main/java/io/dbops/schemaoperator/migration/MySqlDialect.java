package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** MySQL and MariaDB, both through mysql-connector-j. */
final class MySqlDialect implements EngineDialect {
  private final boolean mariadb;

  MySqlDialect(boolean mariadb) {
    this.mariadb = mariadb;
  }

  @Override
  public String url(ConnectionSettings s, boolean admin) {
    // MySQL has no admin database: creating one needs a connection to none at all.
    String db = admin || s.database() == null ? "" : s.database();
    return "jdbc:mysql://" + s.host() + ":" + s.port() + "/" + db;
  }

  @Override
  public Properties properties(ConnectionSettings s, boolean admin, TrustStoreFactory trustStores) {
    Properties p = clientDefaults();
    switch (s.tlsMode()) {
      case DISABLE -> p.setProperty("sslMode", "DISABLED");
      case REQUIRE -> p.setProperty("sslMode", "REQUIRED");
      case VERIFY_CA -> {
        p.setProperty("sslMode", "VERIFY_CA");
        trustStore(p, trustStores.fromPem(s.caCertificate()));
      }
      case VERIFY_FULL -> {
        p.setProperty("sslMode", "VERIFY_IDENTITY");
        trustStore(p, trustStores.fromPem(s.caCertificate()));
      }
    }
    return p;
  }

  private static void trustStore(Properties p, TrustStore store) {
    p.setProperty("trustCertificateKeyStoreUrl", store.path().toUri().toString());
    p.setProperty("trustCertificateKeyStorePassword", store.password());
    p.setProperty("trustCertificateKeyStoreType", store.type());
  }

  @Override
  public Properties clientDefaults() {
    Properties p = new Properties();
    p.setProperty("connectTimeout", "10000");
    p.setProperty("connectionAttributes", "program_name:schema-operator");
    return p;
  }

  @Override
  public String initSql(int lockSeconds, int statementSeconds) {
    // MariaDB reads 0 as "do not wait" (NOWAIT); MySQL's lowest setting is one second.
    int lockTimeout = mariadb ? lockSeconds : Math.max(1, lockSeconds);
    String sql = "SET SESSION lock_wait_timeout = " + lockTimeout + ", SESSION innodb_lock_wait_timeout = " + lockTimeout;
    if (mariadb) {
      sql += ", SESSION max_statement_time = " + statementSeconds;
    } else {
      // MySQL can only bound SELECTs; that is all max_execution_time covers.
      sql += ", SESSION max_execution_time = " + statementSeconds * 1000L;
    }
    return sql;
  }

  @Override
  public String databaseExistsQuery() {
    return "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
  }

  @Override
  public void createDatabase(Connection admin, String database) throws SQLException {
    try (Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS " + quoteIdentifier(database));
    }
  }

  @Override
  public String quoteIdentifier(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public String historyQuery(String schema) {
    // Unqualified, the name is the connection's database: Flyway's default schema too.
    return "SELECT " + SchemaHistoryRow.COLUMNS + " FROM " + (schema == null ? "" : quoteIdentifier(schema) + ".")
        + SchemaHistoryRow.TABLE + " ORDER BY installed_rank";
  }

  @Override
  public String dropRefusal(String schema, String database) {
    String lower = schema.toLowerCase(java.util.Locale.ROOT);
    if (java.util.Set.of("mysql", "sys", "information_schema", "performance_schema").contains(lower)
        || schema.equalsIgnoreCase(database)) {
      return "refusing to drop " + schema + ": on MySQL/MariaDB a schema is a database, and this one is the server's own"
          + " or the connection's";
    }
    return null;
  }

  @Override
  public String dropSchemaSql(String schema) {
    return "DROP DATABASE IF EXISTS " + quoteIdentifier(schema);
  }

  @Override
  public boolean transactionalDdl() {
    return false;
  }
}
