package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The drift check's agreement with Flyway on a real PostgreSQL (embedded binaries). */
class PostgresDriftCheckAgreementTest extends AbstractDriftCheckAgreementTest {
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  ConnectionSettings connection() {
    return new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(), "postgres", TlsMode.DISABLE, null, Map.of(), false);
  }

  @Override
  Login login() {
    return Login.of("postgres", "unused-with-trust");
  }

  @Override
  void sql(String statement) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Override
  void schemaWithItems(String schema) throws Exception {
    sql("CREATE SCHEMA " + schema);
    sql("CREATE TABLE " + schema + ".items (id INT PRIMARY KEY, name VARCHAR(100))");
  }
}
