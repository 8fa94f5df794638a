package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection spec read outside the API server (local commands, the Job) is checked as strictly as
 * the CRD checks it, and every refusal says which field to change and how.
 */
class ConnectionSettingsTest {
  private static final Path CA = Path.of("/var/run/secrets/db-ca/ca.crt");

  private static ConnectionSettings connection(String host, String database) {
    return new ConnectionSettings(Engine.SQLSERVER, host, 1433, database, TlsMode.REQUIRE, null, Map.of(), false);
  }

  @ParameterizedTest(name = "host {0} is refused")
  @ValueSource(strings = {"db.prod.svc:1433", "db.prod.svc/app", "db.prod.svc?encrypt=false", "db;encrypt=false",
      "jdbc:sqlserver://db", "user@db", "-db", "db.", "db prod"})
  void aHostWithAPortPathOrQueryIsRefused(String host) {
    assertThatThrownBy(() -> connection(host, "app"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.host '" + host + "' is not a host name or IPv4 address (no port, path or query belongs there)");
  }

  @ParameterizedTest(name = "host {0} is accepted")
  @ValueSource(strings = {"db", "db.prod.svc", "sql-01.corp.example.com", "10.0.12.7", "localhost"})
  void plainHostNamesAndAddressesAreAccepted(String host) {
    assertThat(connection(host, "app").endpoint()).isEqualTo(host + ":1433");
  }

  @ParameterizedTest(name = "database {0} is refused")
  @ValueSource(strings = {"1app", "app;drop", "app]", "[app]", "app db", "app'", "app.dbo", "-app",
      "a123456789012345678901234567890123456789012345678901234567890123"})
  void badDatabaseNamesAreRefusedWithTheRule(String database) {
    assertThatThrownBy(() -> connection("db", database))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.database '" + database
            + "' must start with a letter or '_' and hold only letters, digits, '_' or '-' (at most 63)");
  }

  @ParameterizedTest(name = "database {0} is accepted")
  @ValueSource(strings = {"app", "App_2", "_staging", "billing-eu"})
  void ordinaryDatabaseNamesAreAccepted(String database) {
    assertThat(connection("db", database).database()).isEqualTo(database);
  }

  @ParameterizedTest
  @EnumSource(value = TlsMode.class, names = {"VERIFY_CA", "VERIFY_FULL"})
  void verifyingWithoutACaIsRefusedNamingCaSecretRef(TlsMode mode) {
    assertThatThrownBy(() -> new ConnectionSettings(Engine.SQLSERVER, "db", 1433, "app", mode, null, Map.of(), false))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("tls.mode " + mode.wireName() + " needs the CA certificate: set tls.caSecretRef");
  }

  @Test
  void verifyFullWithACaIsAccepted() {
    assertThat(new ConnectionSettings(Engine.SQLSERVER, "db", 1433, "app", TlsMode.VERIFY_FULL, CA, Map.of(), false)
        .caCertificate()).isEqualTo(CA);
  }

  @Test
  void withoutTlsModeTheConnectionIsEncryptedButNotVerified() {
    assertThat(new ConnectionSettings(Engine.SQLSERVER, "db", 1433, "app", null, null, Map.of(), false).tlsMode())
        .isEqualTo(TlsMode.REQUIRE);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void portsOutsideTheTcpRangeAreRefused(int port) {
    assertThatThrownBy(() -> new ConnectionSettings(Engine.SQLSERVER, "db", port, "app", null, null, Map.of(), false))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.port " + port + " is outside 1-65535");
  }

  @Test
  void aMissingEngineListsTheChoices() {
    assertThatThrownBy(() -> ConnectionSettings.from(new DatabaseConnectionSpec(), null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.engine is missing: use one of postgres, mysql, mariadb, sqlserver");
  }

  @Test
  void aSpecIsReadWithItsDefaults() {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.SQLSERVER);
    spec.setHost("mssql.data.svc");
    spec.setDatabase("orders");
    spec.setCreateDatabase(true);
    Tls tls = new Tls();
    tls.setMode(TlsMode.VERIFY_FULL);
    spec.setTls(tls);
    spec.setParameters(Map.of("queryTimeout", "600"));

    ConnectionSettings settings = ConnectionSettings.from(spec, CA);

    assertThat(settings).isEqualTo(new ConnectionSettings(Engine.SQLSERVER, "mssql.data.svc", 1433, "orders",
        TlsMode.VERIFY_FULL, CA, Map.of("queryTimeout", "600"), true));
    assertThat(settings.endpoint()).isEqualTo("mssql.data.svc:1433");
  }

  @Test
  void theSameChecksApplyWhenSettingsAreDerived() {
    ConnectionSettings settings = connection("db", "app");

    assertThatThrownBy(() -> settings.withAddress("db:1433", 1433)).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> settings.withTls(TlsMode.VERIFY_CA))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tls.caSecretRef");
  }
}
