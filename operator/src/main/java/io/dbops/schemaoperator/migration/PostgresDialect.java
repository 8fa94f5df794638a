package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

final class PostgresDialect implements EngineDialect {
  private static final String ADMIN_DATABASE = "postgres";
  private static final String DUPLICATE_DATABASE = "42P04";
  private static final String UNIQUE_VIOLATION = "23505";

  @Override
  public String url(ConnectionSettings s, boolean admin) {
    String db = admin ? ADMIN_DATABASE : (s.database() == null ? ADMIN_DATABASE : s.database());
    return "jdbc:postgresql://" + s.host() + ":" + s.port() + "/" + db;
  }

  @Override
  public Properties properties(ConnectionSettings s, boolean admin, TrustStoreFactory trustStores) {
    Properties p = clientDefaults();
    switch (s.tlsMode()) {
      case DISABLE -> p.setProperty("sslmode", "disable");
      case REQUIRE -> p.setProperty("sslmode", "require");
      case VERIFY_CA -> {
        p.setProperty("sslmode", "verify-ca");
        p.setProperty("sslrootcert", s.caCertificate().toString());
      }
      case VERIFY_FULL -> {
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", s.caCertificate().toString());
      }
    }
    return p;
  }

  @Override
  public Properties clientDefaults() {
    Properties p = new Properties();
    p.setProperty("ApplicationName", "schema-operator");
    p.setProperty("connectTimeout", "10");
    p.setProperty("loginTimeout", "10");
    return p;
  }

  @Override
  public String initSql(int lockSeconds, int statementSeconds) {
    // lock_timeout 0 would mean "wait forever"; one millisecond is PostgreSQL's "do not wait".
    String lockTimeout = lockSeconds == 0 ? "1ms" : lockSeconds + "s";
    return "SET lock_timeout = '" + lockTimeout + "'; SET statement_timeout = '" + statementSeconds + "s'";
  }

  @Override
  public String databaseExistsQuery() {
    return "SELECT 1 FROM pg_database WHERE datname = ?";
  }

  @Override
  public void createDatabase(Connection admin, String database) throws SQLException {
    try (Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + quoteIdentifier(database));
    } catch (SQLException e) {
      // Two runners racing: the loser sees duplicate_database, or a unique violation on pg_database.
      if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  @Override
  public String quoteIdentifier(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public String historyQuery(String schema) {
    String select = "SELECT " + SchemaHistoryRow.COLUMNS + " FROM ";
    if (schema != null) {
      return select + quoteIdentifier(schema) + "." + SchemaHistoryRow.TABLE + " ORDER BY installed_rank";
    }
    // An unqualified name resolves along search_path; Flyway's default schema is current_schema() alone.
    return select + SchemaHistoryRow.TABLE + " WHERE '" + SchemaHistoryRow.TABLE + "'::regclass"
        + " = to_regclass(quote_ident(current_schema()) || '." + SchemaHistoryRow.TABLE + "') ORDER BY installed_rank";
  }

  @Override
  public String dropRefusal(String schema, String database) {
    String lower = schema.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("public") || lower.startsWith("pg_") || lower.equals("information_schema")) {
      return "refusing to drop schema " + schema + ": it belongs to PostgreSQL or to every user of the database";
    }
    return null;
  }

  @Override
  public String dropSchemaSql(String schema) {
    return "DROP SCHEMA IF EXISTS " + quoteIdentifier(schema) + " CASCADE";
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }
}
