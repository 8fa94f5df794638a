package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * spec.parameters as a user writes them: tuning knobs pass through to the driver, while values that
 * try to smuggle more properties, and names that would override login, database or TLS, are refused
 * with a message that names the parameter and says what to use instead.
 */
class DriverParametersTest {

  private static ConnectionSettings withParameters(Engine engine, Map<String, String> parameters) {
    return new ConnectionSettings(engine, "db.prod.svc", engine.defaultPort(), "app", TlsMode.REQUIRE, null,
        parameters, false);
  }

  private static ConnectionSettings withParameter(Engine engine, String name, String value) {
    return withParameters(engine, Map.of(name, value));
  }

  // --- smuggling ---------------------------------------------------------------------------------

  @Test
  void aSqlServerValueCannotAppendEncryptFalse() {
    assertThatThrownBy(() -> withParameter(Engine.SQLSERVER, "applicationName", "x;encrypt=false"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'applicationName'")
        .hasMessageContaining("';'")
        .hasMessageContaining("'='")
        .hasMessageContaining("sqlserver driver reads as a separator");
  }

  @ParameterizedTest(name = "sqlserver value {0} is refused")
  @ValueSource(strings = {"a;b", "{braced}", "x}", "k=v"})
  void sqlserverSeparatorsAreRefused(String value) {
    assertThatThrownBy(() -> withParameter(Engine.SQLSERVER, "workstationID", value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'workstationID' contains");
  }

  @ParameterizedTest(name = "{0}: connectTimeout={1} names {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "MYSQL    | 1&sslMode=DISABLED | '&' '='",
      "MARIADB  | 1&sslMode=DISABLED | '&' '='",
      "MYSQL    | 5?useSSL=false     | '?' '='",
      "MYSQL    | 5#fragment         | '#'",
      "POSTGRES | a&b                | '&'",
      "POSTGRES | 5?sslmode=disable  | '?'",
      "POSTGRES | 5#x                | '#'"})
  void mysqlAndPostgresUrlSeparatorsAreRefusedNamingTheCharacters(Engine engine, String value, String named) {
    assertThatThrownBy(() -> withParameter(engine, "connectTimeout", value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter 'connectTimeout' contains " + named + ", which the "
            + engine.wireName() + " driver reads as a separator between properties");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void controlCharactersAreRefusedEverywhere(Engine engine) {
    assertThatThrownBy(() -> withParameter(engine, "connectTimeout", "5\nsslmode=disable"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'connectTimeout' contains")
        .hasMessageContaining("a control character");
  }

  @Test
  void postgresOptionsMayHoldEqualsSignsBecauseThatIsHowPgjdbcSetsSessionSettings() {
    assertThatCode(() -> withParameter(Engine.POSTGRES, "options", "-c search_path=app"))
        .doesNotThrowAnyException();
  }

  // --- owned properties --------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1} is the operator's")
  @CsvSource({
      "POSTGRES,  password",
      "POSTGRES,  user",
      "POSTGRES,  sslmode",
      "POSTGRES,  sslrootcert",
      "POSTGRES,  sslfactory",
      "MYSQL,     sslMode",
      "MYSQL,     useSSL",
      "MYSQL,     trustCertificateKeyStoreUrl",
      "MARIADB,   verifyServerCertificate",
      "SQLSERVER, encrypt",
      "SQLSERVER, trustServerCertificate",
      "SQLSERVER, hostNameInCertificate",
      "SQLSERVER, trustStore",
      "SQLSERVER, trustManagerClass",
      "SQLSERVER, databaseName",
      "SQLSERVER, password"})
  void parametersThatNameWhatTheOperatorOwnsAreRefusedPointingToTheRightField(Engine engine, String name) {
    assertThatThrownBy(() -> withParameter(engine, name, "anything"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter '" + name
            + "' is set by the operator: use credentials, database or tls.mode instead");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PASSWORD", "SslMode", "Encrypt", "TRUSTSERVERCERTIFICATE"})
  void ownedNamesAreRecognisedWhateverTheirCase(String name) {
    // mssql-jdbc and pgjdbc match some property names without regard to case.
    assertThatThrownBy(() -> withParameter(Engine.SQLSERVER, name, "false"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is set by the operator");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("encrypt", "false");
    parameters.put("applicationName", "x;y");
    parameters.put("bad-name", "1");

    assertThatThrownBy(() -> withParameters(Engine.SQLSERVER, parameters))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'encrypt' is set by the operator")
        .hasMessageContaining("parameter 'applicationName' contains ';'")
        .hasMessageContaining("parameter name 'bad-name' is not a driver property name");
  }

  // --- what passes -------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anOrdinaryParameterPassesAndReachesTheDriverProperties(Engine engine) {
    ConnectionSettings settings = withParameter(engine, "connectTimeout", "5");

    JdbcTarget target = JdbcTargets.withTemporaryTrustStores().application(settings, Login.of("app", "pw"));

    assertThat(settings.parameters()).containsExactly(Map.entry("connectTimeout", "5"));
    // A user's value wins over the operator's default for the same tuning property.
    assertThat(target.properties()).containsEntry("connectTimeout", "5");
    assertThat(target.url()).doesNotContain("connectTimeout");
  }

  @Test
  void sqlserverTuningParametersPass() {
    Map<String, String> parameters = Map.of("queryTimeout", "600", "loginTimeout", "30", "applicationIntent", "ReadWrite",
        "sendStringParametersAsUnicode", "false");

    assertThat(withParameters(Engine.SQLSERVER, parameters).parameters()).isEqualTo(parameters);
  }

  @Test
  void anEmptyValueIsNotASeparator() {
    assertThatCode(() -> withParameter(Engine.SQLSERVER, "workstationID", "")).doesNotThrowAnyException();
  }
}
