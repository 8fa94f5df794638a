package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.conf.PropertyKey;
import io.dbops.schemaoperator.model.DriverParameterNames;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGProperty;

/**
 * spec.parameters as a user writes them: the tuning knobs of each engine's allowlist pass through
 * to the driver with values in range; anything else - what would load a class, open a file, send
 * the connection elsewhere, deserialize or override the login, database or TLS - is refused with a
 * message that names the parameter and says why.
 */
class DriverPropertiesTest {

  private static ConnectionSettings withParameters(Engine engine, Map<String, String> parameters) {
    return new ConnectionSettings(engine, "db.prod.svc", engine.defaultPort(), "app", TlsMode.REQUIRE, null,
        parameters, false);
  }

  private static ConnectionSettings withParameter(Engine engine, String name, String value) {
    return withParameters(engine, Map.of(name, value));
  }

  // --- one allowlist, read by the CRD and by the operator ---------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theOperatorChecksExactlyTheNamesTheCrdAdmits(Engine engine) {
    assertThat(DriverProperties.allowed(engine).keySet()).containsExactlyElementsOf(DriverParameterNames.of(engine));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyAllowedNameIsAPropertyItsDriverKnows(Engine engine) throws SQLException {
    Set<String> known = switch (engine) {
      case POSTGRES -> Arrays.stream(PGProperty.values()).map(PGProperty::getName).collect(Collectors.toSet());
      // serverTimezone is Connector/J's older name of connectionTimeZone, still read.
      case MYSQL, MARIADB -> Arrays.stream(PropertyKey.values()).flatMap(k -> java.util.stream.Stream.of(k.getKeyName(),
          k.getCcAlias() == null ? k.getKeyName() : k.getCcAlias())).collect(Collectors.toSet());
      case SQLSERVER -> {
        DriverPropertyInfo[] infos = DriverManager.getDriver("jdbc:sqlserver://db").getPropertyInfo("jdbc:sqlserver://db",
            new java.util.Properties());
        yield Arrays.stream(infos).map(i -> i.name).collect(Collectors.toSet());
      }
    };

    assertThat(known).containsAll(DriverProperties.allowed(engine).keySet());
  }

  // --- refused names, with the reason --------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1} is refused because {2}")
  @CsvSource(delimiter = '|', value = {
      "POSTGRES  | socketFactory                 | it makes the driver load a class inside the operator",
      "POSTGRES  | sslfactory                    | it makes the driver load a class inside the operator",
      "POSTGRES  | authenticationPluginClassName | it makes the driver load a class inside the operator",
      "POSTGRES  | loggerFile                    | it makes the driver read or write a file of the operator's Pod",
      "POSTGRES  | sslrootcert                   | it makes the driver read or write a file of the operator's Pod",
      "POSTGRES  | sslpasswordcallback           | it makes the driver load a class inside the operator",
      "POSTGRES  | PGHOST                        | it would send the connection to another server",
      "POSTGRES  | service                       | it would send the connection to another server",
      "POSTGRES  | gssUseDefaultCreds            | it would log in with the operator's own identity",
      "MYSQL     | allowLoadLocalInfile          | it makes the driver read or write a file of the operator's Pod",
      "MYSQL     | allowUrlInLocalInfile         | it makes the driver read or write a file of the operator's Pod",
      "MYSQL     | allowLoadLocalInfileInPath    | it makes the driver read or write a file of the operator's Pod",
      "MYSQL     | autoDeserialize               | it makes the driver deserialize Java objects the server sends",
      "MARIADB   | queryInterceptors             | it makes the driver load a class inside the operator",
      "MARIADB   | connectionLifecycleInterceptors | it makes the driver load a class inside the operator",
      "MARIADB   | exceptionInterceptors         | it makes the driver load a class inside the operator",
      "MARIADB   | socketFactory                 | it makes the driver load a class inside the operator",
      "MARIADB   | propertiesTransform           | it makes the driver load a class inside the operator",
      "MYSQL     | dnsSrv                        | it would send the connection to another server",
      "MYSQL     | socksProxyHost                | it would send the connection to another server",
      "SQLSERVER | server                        | it would send the connection to another server",
      "SQLSERVER | port                          | it would send the connection to another server",
      "SQLSERVER | serverName                    | it would send the connection to another server",
      "SQLSERVER | instanceName                  | it would send the connection to another server",
      "SQLSERVER | failoverPartner               | it would send the connection to another server",
      "SQLSERVER | trustManagerClass             | it makes the driver load a class inside the operator",
      "SQLSERVER | accessTokenCallbackClass      | it makes the driver load a class inside the operator",
      "SQLSERVER | socketFactoryClass            | it makes the driver load a class inside the operator",
      "SQLSERVER | integratedSecurity            | it would log in with the operator's own identity",
      "SQLSERVER | authentication                | it would log in with the operator's own identity",
      "SQLSERVER | keyStoreLocation              | it makes the driver read or write a file of the operator's Pod"})
  void aDangerousPropertyIsRefusedSayingWhatItWouldDo(Engine engine, String name, String why) {
    assertThatThrownBy(() -> withParameter(engine, name, "x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("spec.parameters: parameter '" + name + "' is not allowed: " + why)
        .hasMessageContaining("; " + engine.wireName() + " allows " + DriverParameterNames.of(engine).get(0) + ", ");
  }

  @ParameterizedTest(name = "{0}: {1} is the operator's")
  @CsvSource({
      "POSTGRES,  password",
      "POSTGRES,  user",
      "POSTGRES,  sslmode",
      "MYSQL,     sslMode",
      "MYSQL,     useSSL",
      "MARIADB,   verifyServerCertificate",
      "SQLSERVER, encrypt",
      "SQLSERVER, trustServerCertificate",
      "SQLSERVER, hostNameInCertificate",
      "SQLSERVER, databaseName",
      "SQLSERVER, password"})
  void parametersThatNameWhatTheOperatorOwnsAreRefusedPointingToTheRightField(Engine engine, String name) {
    assertThatThrownBy(() -> withParameter(engine, name, "anything"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("spec.parameters: parameter '" + name
            + "' is not allowed: the operator sets it: use credentials, database or tls.mode instead");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PASSWORD", "ServerName", "SERVER", "Port", "TRUSTMANAGERCLASS"})
  void namesOutsideTheAllowlistAreRefusedWhateverTheirCase(String name) {
    // mssql-jdbc reads property names without regard to case: "SERVER" is server.
    assertThatThrownBy(() -> withParameter(Engine.SQLSERVER, name, "x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter '" + name + "' is not allowed: ");
  }

  @Test
  void aNameNobodyListsIsRefusedWithTheAllowlist() {
    assertThatThrownBy(() -> withParameter(Engine.POSTGRES, "fancyNewKnob", "1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter 'fancyNewKnob' is not allowed; postgres allows "
            + String.join(", ", DriverParameterNames.of(Engine.POSTGRES)));
  }

  // --- values --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1}={2} is refused")
  @CsvSource(delimiter = '|', value = {
      "POSTGRES  | connectTimeout   | 2147483647 | a whole number of seconds from 0 to 300",
      "POSTGRES  | connectTimeout   | ten        | a whole number of seconds from 0 to 300",
      "POSTGRES  | loginTimeout     | -1         | a whole number of seconds from 0 to 300",
      "POSTGRES  | tcpKeepAlive     | yes        | true or false",
      "POSTGRES  | preferQueryMode  | fast       | one of extended, extendedForPrepared, extendedCacheEverything, simple",
      "POSTGRES  | currentSchema    | a b        | schema names separated by commas",
      "MYSQL     | connectTimeout   | 99999999999 | a whole number of milliseconds from 0 to 300000",
      "MARIADB   | maxAllowedPacket | 0          | a whole number of bytes from 1024 to 1073741824",
      "SQLSERVER | loginTimeout     | 100000     | a whole number of seconds from 0 to 300",
      "SQLSERVER | connectRetryInterval | 0      | a whole number of seconds from 1 to 60"})
  void aValueOutsideItsRangeIsRefusedSayingWhatItMustBe(Engine engine, String name, String value, String expected) {
    // A connect timeout of 68 years would hold one of the operator's reconcile threads for as long.
    assertThatThrownBy(() -> withParameter(engine, name, value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter '" + name + "' must be " + expected + " (is '" + value + "')");
  }

  // --- smuggling -----------------------------------------------------------------------------

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

  @ParameterizedTest(name = "{0}: characterEncoding={1} names {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "MYSQL    | 1&sslMode=DISABLED | '&' '='",
      "MARIADB  | 1&sslMode=DISABLED | '&' '='",
      "MYSQL    | 5?useSSL=false     | '?' '='",
      "MYSQL    | 5#fragment         | '#'"})
  void mysqlUrlSeparatorsAreRefusedNamingTheCharacters(Engine engine, String value, String named) {
    assertThatThrownBy(() -> withParameter(engine, "characterEncoding", value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter 'characterEncoding' contains " + named + ", which the "
            + engine.wireName() + " driver reads as a separator between properties");
  }

  @ParameterizedTest(name = "postgres: options={0} names {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "-c a=b&sslmode=disable | '&'",
      "-c a=b?x               | '?'",
      "-c a=b#x               | '#'"})
  void postgresUrlSeparatorsAreRefusedNamingTheCharacters(String value, String named) {
    assertThatThrownBy(() -> withParameter(Engine.POSTGRES, "options", value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.parameters: parameter 'options' contains " + named
            + ", which the postgres driver reads as a separator between properties");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void controlCharactersAreRefusedEverywhere(Engine engine) {
    String name = DriverParameterNames.of(engine).get(0);
    assertThatThrownBy(() -> withParameter(engine, name, "5\nsslmode=disable"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter '" + name + "' contains")
        .hasMessageContaining("a control character");
  }

  @Test
  void postgresOptionsMayHoldEqualsSignsBecauseThatIsHowPgjdbcSetsSessionSettings() {
    assertThatCode(() -> withParameter(Engine.POSTGRES, "options", "-c search_path=app"))
        .doesNotThrowAnyException();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("encrypt", "false");
    parameters.put("applicationName", "x;y");
    parameters.put("bad-name", "1");

    assertThatThrownBy(() -> withParameters(Engine.SQLSERVER, parameters))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'encrypt' is not allowed")
        .hasMessageContaining("parameter 'applicationName' contains ';'")
        .hasMessageContaining("parameter name 'bad-name' is not a driver property name");
  }

  // --- what passes ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anOrdinaryParameterPassesAndReachesTheDriverProperties(Engine engine) {
    String name = engine == Engine.SQLSERVER ? "loginTimeout" : "connectTimeout";
    ConnectionSettings settings = withParameter(engine, name, "5");

    JdbcTarget target = JdbcTargets.withTemporaryTrustStores().application(settings, Login.of("app", "pw"));

    assertThat(settings.parameters()).containsExactly(Map.entry(name, "5"));
    // A user's value wins over the operator's default for the same tuning property.
    assertThat(target.properties()).containsEntry(name, "5");
    assertThat(target.url()).doesNotContain(name);
  }

  @Test
  void sqlserverTuningParametersPass() {
    Map<String, String> parameters = Map.of("queryTimeout", "600", "loginTimeout", "30", "packetSize", "8000",
        "sendStringParametersAsUnicode", "false");

    assertThat(withParameters(Engine.SQLSERVER, parameters).parameters()).isEqualTo(parameters);
  }

  @Test
  void anEmptyValueIsNotASeparator() {
    assertThatCode(() -> withParameter(Engine.SQLSERVER, "workstationID", "")).doesNotThrowAnyException();
  }

  // --- forced off ----------------------------------------------------------------------------

  @Test
  void connectorJHasNoAutoDeserializeLeftToForceOffSoRefusingTheNameIsEnough() {
    // If a driver upgrade or downgrade brings it back, it belongs in MYSQL_FORCED.
    assertThat(Arrays.stream(PropertyKey.values()).map(PropertyKey::getKeyName)).doesNotContain("autoDeserialize");
    assertThatThrownBy(() -> withParameter(Engine.MYSQL, "autoDeserialize", "true"))
        .hasMessageContaining("parameter 'autoDeserialize' is not allowed: it makes the driver deserialize");
  }

  @ParameterizedTest(name = "{0}: {1} is forced to {2} in what the driver gets")
  @CsvSource({
      "MYSQL,     allowLoadLocalInfile,    false",
      "MYSQL,     allowUrlInLocalInfile,   false",
      "MYSQL,     dnsSrv,                  false",
      "MARIADB,   allowLoadLocalInfile,    false",
      "POSTGRES,  gssUseDefaultCreds,      false",
      "SQLSERVER, integratedSecurity,      false",
      "SQLSERVER, useDefaultGSSCredential, false"})
  void dangerousSwitchesAreForcedOffAndTheRealDriverReadsThemSo(Engine engine, String name, String value)
      throws SQLException {
    JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();
    String url = switch (engine) {
      case POSTGRES -> "jdbc:postgresql://db.prod.svc/app?user=app&password=pw";
      case MYSQL, MARIADB -> "jdbc:mysql://app:pw@db.prod.svc/app";
      case SQLSERVER -> "jdbc:sqlserver://db.prod.svc;user=app;password=pw";
    };

    for (JdbcTarget target : java.util.List.of(
        targets.application(withParameters(engine, Map.of()), Login.of("app", "pw")),
        targets.application(new ConnectionSettings(engine, null, engine.defaultPort(), null, null, null, Map.of(), false),
            Login.ofUrl(url)))) {
      assertThat(target.properties()).containsEntry(name, value);
      // What the driver itself makes of the URL and properties it is handed.
      DriverPropertyInfo[] seen = DriverManager.getDriver(target.url()).getPropertyInfo(target.url(), target.properties());
      assertThat(Arrays.stream(seen).filter(i -> i.name.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))))
          .singleElement().satisfies(i -> assertThat(i.value).isEqualToIgnoringCase(value));
    }
  }
}
