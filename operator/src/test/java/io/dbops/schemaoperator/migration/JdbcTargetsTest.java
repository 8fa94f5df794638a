package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.microsoft.sqlserver.jdbc.SQLServerDriver;
import com.mysql.cj.conf.PropertyKey;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGProperty;

/**
 * What each engine's driver is handed for each tls.mode: the table in DESIGN.md "Engines and TLS",
 * row by row, plus where the login and the database go. The SQL Server rows are also played against
 * the real mssql-jdbc driver talking to {@link FakeSqlServer}, since no SQL Server runs here.
 */
class JdbcTargetsTest {
  private static final Login LOGIN = Login.of("app_user", "s3cr3t pa55");

  @TempDir static Path certificates;
  /** What a user would put in tls.caSecretRef: the PEM of a self-signed CA for localhost. */
  static TestCertificates.Identity localhost;
  /** A self-signed certificate for some other server name. */
  static TestCertificates.Identity elsewhere;

  private final JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();

  @BeforeAll
  static void makeCertificates() {
    localhost = TestCertificates.selfSigned(certificates, "dns:localhost", "ip:127.0.0.1");
    elsewhere = TestCertificates.selfSigned(certificates, "dns:db.elsewhere.example");
  }

  private static ConnectionSettings settings(Engine engine, String tlsMode) {
    return new ConnectionSettings(engine, "db.prod.svc", engine.defaultPort(), "app", mode(tlsMode),
        localhost.pem(), Map.of(), false);
  }

  private static TlsMode mode(String wireName) {
    return Arrays.stream(TlsMode.values()).filter(m -> m.wireName().equals(wireName)).findFirst().orElseThrow();
  }

  // --- DESIGN.md's table, engine by engine -------------------------------------------------------

  @ParameterizedTest(name = "postgres, tls.mode {0}: sslmode={1}")
  @CsvSource({
      "disable,     disable,     false",
      "require,     require,     false",
      "verify-ca,   verify-ca,   true",
      "verify-full, verify-full, true"})
  void postgresSslmodeFollowsTlsModeAndVerifyingModesReadThePemDirectly(String tlsMode, String sslmode, boolean rootCert) {
    JdbcTarget target = targets.application(settings(Engine.POSTGRES, tlsMode), LOGIN);

    assertThat(target.url()).isEqualTo("jdbc:postgresql://db.prod.svc:5432/app");
    assertThat(target.properties()).containsEntry("sslmode", sslmode);
    if (rootCert) {
      // pgjdbc reads PEM itself: the CA file is handed over as it is.
      assertThat(target.properties()).containsEntry("sslrootcert", localhost.pem().toString());
    } else {
      assertThat(target.properties()).doesNotContainKey("sslrootcert");
    }
  }

  @ParameterizedTest(name = "{0}, tls.mode {1}: sslMode={2}")
  @CsvSource({
      "MYSQL,   disable,     DISABLED,        false",
      "MYSQL,   require,     REQUIRED,        false",
      "MYSQL,   verify-ca,   VERIFY_CA,       true",
      "MYSQL,   verify-full, VERIFY_IDENTITY, true",
      "MARIADB, disable,     DISABLED,        false",
      "MARIADB, require,     REQUIRED,        false",
      "MARIADB, verify-ca,   VERIFY_CA,       true",
      "MARIADB, verify-full, VERIFY_IDENTITY, true"})
  void mysqlAndMariadbSslModeFollowsTlsModeWithAPkcs12TrustStoreMadeFromThePem(
      Engine engine, String tlsMode, String sslMode, boolean trustStore) throws Exception {
    JdbcTarget target = targets.application(settings(engine, tlsMode), LOGIN);

    assertThat(target.url()).isEqualTo("jdbc:mysql://db.prod.svc:3306/app");
    Properties p = target.properties();
    assertThat(p).containsEntry("sslMode", sslMode);
    if (trustStore) {
      assertThat(p).containsEntry("trustCertificateKeyStoreType", "PKCS12");
      String url = p.getProperty("trustCertificateKeyStoreUrl");
      assertThat(url).startsWith("file:");
      assertHoldsExactlyTheCa(Path.of(URI.create(url)), p.getProperty("trustCertificateKeyStorePassword"), "PKCS12");
    } else {
      assertThat(p).doesNotContainKeys(
          "trustCertificateKeyStoreUrl", "trustCertificateKeyStorePassword", "trustCertificateKeyStoreType");
    }
  }

  @ParameterizedTest(name = "sqlserver, tls.mode {0}: encrypt={1}, trustServerCertificate={2}")
  @CsvSource({
      "disable,     false, ,      false, ",
      "require,     true,  true,  false, ",
      "verify-ca,   true,  false, true,  ",
      "verify-full, true,  false, true,  db.prod.svc"})
  void sqlserverEncryptAndTrustPropertiesFollowTlsMode(
      String tlsMode, String encrypt, String trustServerCertificate, boolean trustStore, String hostNameInCertificate)
      throws Exception {
    JdbcTarget target = targets.application(settings(Engine.SQLSERVER, tlsMode), LOGIN);

    // Nothing but host and port in the URL: mssql-jdbc would read ';key=value' there as more properties.
    assertThat(target.url()).isEqualTo("jdbc:sqlserver://db.prod.svc:1433");
    Properties p = target.properties();
    assertThat(p).containsEntry("databaseName", "app").containsEntry("encrypt", encrypt);
    assertOptional(p, "trustServerCertificate", trustServerCertificate);
    assertOptional(p, "hostNameInCertificate", hostNameInCertificate);
    if (trustStore) {
      assertThat(p).containsEntry("trustStoreType", "PKCS12");
      assertHoldsExactlyTheCa(Path.of(p.getProperty("trustStore")), p.getProperty("trustStorePassword"), "PKCS12");
    } else {
      assertThat(p).doesNotContainKeys("trustStore", "trustStorePassword", "trustStoreType");
    }
  }

  private static void assertOptional(Properties p, String key, String expected) {
    if (expected == null) {
      assertThat(p).doesNotContainKey(key);
    } else {
      assertThat(p).containsEntry(key, expected);
    }
  }

  /** The trust store really loads with the password it came with, and holds the user's CA and nothing else. */
  private static void assertHoldsExactlyTheCa(Path file, String password, String type) throws Exception {
    assertThat(file).exists().isRegularFile();
    assertThat(password).isNotBlank();
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    List<String> aliases = Collections.list(store.aliases());
    assertThat(aliases).hasSize(1);
    assertThat(store.isCertificateEntry(aliases.get(0))).isTrue();
    Certificate held = store.getCertificate(aliases.get(0));
    assertThat(held).isEqualTo(localhost.certificate());
  }

  @Test
  void theSameBundleAlwaysGivesTheSameStoreFileAndANewBundleAnother() throws Exception {
    Path one = certificates.resolve("one.pem");
    Files.writeString(one, localhost.pemText());
    Path other = certificates.resolve("other.pem");
    Files.writeString(other, elsewhere.pemText());
    PemTrustStores stores = new PemTrustStores();

    EngineDialect.TrustStore first = stores.fromPem(one);
    EngineDialect.TrustStore again = stores.fromPem(one);
    EngineDialect.TrustStore forOther = stores.fromPem(other);
    Files.delete(first.path());
    EngineDialect.TrustStore afterCleanup = stores.fromPem(one);

    assertThat(again).isEqualTo(first);
    assertThat(forOther.path()).isNotEqualTo(first.path());
    assertThat(afterCleanup.path()).as("a store file removed by a temp cleaner is written again").exists();
    assertHoldsExactlyTheCa(afterCleanup.path(), afterCleanup.password(), afterCleanup.type());
  }

  @Test
  void aPemBundleBecomesOneTrustStoreEntryPerCertificate() throws Exception {
    Path bundle = certificates.resolve("bundle.pem");
    Files.writeString(bundle, localhost.pemText() + elsewhere.pemText());

    EngineDialect.TrustStore store = new PemTrustStores().fromPem(bundle);

    KeyStore loaded = KeyStore.getInstance(store.type());
    try (InputStream in = Files.newInputStream(store.path())) {
      loaded.load(in, store.password().toCharArray());
    }
    List<Certificate> held = Collections.list(loaded.aliases()).stream().map(a -> {
      try {
        return loaded.getCertificate(a);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    assertThat(held).containsExactlyInAnyOrder(localhost.certificate(), elsewhere.certificate());
  }

  @Test
  void aCaSecretThatIsNotPemIsRefusedNamingTheSecretField() throws Exception {
    Path notPem = certificates.resolve("not.pem");
    Files.writeString(notPem, "this is the password, not a certificate\n");
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "db.prod.svc", 1433, "app", TlsMode.VERIFY_CA,
        notPem, Map.of(), false);

    assertThatThrownBy(() -> targets.application(s, LOGIN))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tls.caSecretRef");
  }

  // --- ports, databases, login ------------------------------------------------------------------

  @ParameterizedTest(name = "{0} without spec.port connects to {1}")
  @CsvSource({
      "POSTGRES,  jdbc:postgresql://db.prod.svc:5432/app",
      "MYSQL,     jdbc:mysql://db.prod.svc:3306/app",
      "MARIADB,   jdbc:mysql://db.prod.svc:3306/app",
      "SQLSERVER, jdbc:sqlserver://db.prod.svc:1433"})
  void eachEngineHasItsDefaultPort(Engine engine, String url) {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(engine);
    spec.setHost("db.prod.svc");
    spec.setDatabase("app");

    assertThat(targets.application(ConnectionSettings.from(spec, null), LOGIN).url()).isEqualTo(url);
  }

  @Test
  void anExplicitPortWins() {
    DatabaseConnectionSpec spec = new DatabaseConnectionSpec();
    spec.setEngine(Engine.SQLSERVER);
    spec.setHost("db.prod.svc");
    spec.setPort(14330);

    assertThat(targets.application(ConnectionSettings.from(spec, null), LOGIN).url())
        .isEqualTo("jdbc:sqlserver://db.prod.svc:14330");
  }

  @Test
  void createDatabaseConnectsToEachEnginesAdminDatabase() {
    assertThat(targets.admin(settings(Engine.POSTGRES, "require"), LOGIN).url())
        .isEqualTo("jdbc:postgresql://db.prod.svc:5432/postgres");
    JdbcTarget sqlserver = targets.admin(settings(Engine.SQLSERVER, "require"), LOGIN);
    assertThat(sqlserver.url()).isEqualTo("jdbc:sqlserver://db.prod.svc:1433");
    assertThat(sqlserver.properties()).containsEntry("databaseName", "master");
    // MySQL has no admin database: the connection names none at all.
    for (Engine mysql : List.of(Engine.MYSQL, Engine.MARIADB)) {
      JdbcTarget admin = targets.admin(settings(mysql, "require"), LOGIN);
      assertThat(admin.url()).isEqualTo("jdbc:mysql://db.prod.svc:3306/");
      assertThat(admin.properties()).doesNotContainKeys("database", "dbname", "databaseName");
    }
  }

  @Test
  void theAdminTargetKeepsTheTlsOfTheApplicationTarget() {
    JdbcTarget admin = targets.admin(settings(Engine.SQLSERVER, "verify-full"), LOGIN);

    assertThat(admin.properties())
        .containsEntry("encrypt", "true")
        .containsEntry("trustServerCertificate", "false")
        .containsEntry("hostNameInCertificate", "db.prod.svc")
        .containsKey("trustStore");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theLoginTravelsAsUserAndPasswordPropertiesAndNeverInsideTheUrl(Engine engine) {
    for (JdbcTarget target : List.of(
        targets.application(settings(engine, "require"), LOGIN), targets.admin(settings(engine, "require"), LOGIN))) {
      assertThat(target.properties()).containsEntry("user", "app_user").containsEntry("password", "s3cr3t pa55");
      assertThat(target.url()).doesNotContain("app_user").doesNotContain("s3cr3t").doesNotContainIgnoringCase("password");
      assertThat(target.toString()).doesNotContain("s3cr3t").doesNotContain("app_user");
    }
  }

  @Test
  void aUrlFromSecretReachesTheDriverRebuiltFromItsCheckedPartsWithEverythingElseAsProperties() {
    String secretUrl = "jdbc:sqlserver://sql.corp.example:1433;databaseName=Sales;user=sales;password={Pa$$;x};encrypt=true";
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, null, 1433, null, TlsMode.VERIFY_FULL,
        localhost.pem(), Map.of("loginTimeout", "5"), false);

    JdbcTarget target = targets.application(s, Login.ofUrl(secretUrl));

    // Nothing after the port: a driver never reads the Secret's text itself.
    assertThat(target.url()).isEqualTo("jdbc:sqlserver://sql.corp.example:1433");
    // The URL carries its own login and TLS; tls.mode and credentials add nothing to it.
    assertThat(target.properties())
        .containsEntry("databaseName", "Sales")
        .containsEntry("user", "sales")
        .containsEntry("password", "Pa$$;x")
        .containsEntry("encrypt", "true")
        .containsEntry("loginTimeout", "5")
        .containsEntry("applicationName", "schema-operator")
        .doesNotContainKeys("trustStore", "hostNameInCertificate", "trustServerCertificate");
    assertThat(target.toString()).doesNotContain("Pa$$");
  }

  @ParameterizedTest(name = "{0}: {1} is rebuilt as {2}")
  @CsvSource(delimiter = '|', value = {
      "POSTGRES | jdbc:postgresql://db.prod.svc/app?user=app&password=p%26w&sslmode=require | jdbc:postgresql://db.prod.svc:5432/app",
      "POSTGRES | jdbc:postgresql://db.prod.svc:6432/?user=app                             | jdbc:postgresql://db.prod.svc:6432/",
      "MYSQL    | jdbc:mysql://app:p%26w@db.prod.svc/app?sslMode=REQUIRED                     | jdbc:mysql://db.prod.svc:3306/app",
      "MARIADB  | jdbc:mysql://db.prod.svc:3307?user=app&password=p%26w                       | jdbc:mysql://db.prod.svc:3307/"})
  void aUrlsLoginBecomesProperties(Engine engine, String secretUrl, String rebuilt) {
    ConnectionSettings s = new ConnectionSettings(engine, null, engine.defaultPort(), null, null, null, Map.of(), false);

    JdbcTarget target = targets.application(s, Login.ofUrl(secretUrl));

    assertThat(target.url()).isEqualTo(rebuilt);
    assertThat(target.properties()).containsEntry("user", "app");
    if (secretUrl.contains("p%26w")) {
      assertThat(target.properties()).containsEntry("password", "p&w");
    }
  }

  @Test
  void aUrlForAnotherEngineIsRefusedNamingBothSchemes() {
    ConnectionSettings s = new ConnectionSettings(Engine.POSTGRES, null, 5432, null, null, null, Map.of(), false);

    assertThatThrownBy(() -> targets.application(s,
        Login.ofUrl("jdbc:mysql://db.prod.svc/app?allowLoadLocalInfile=true&password=hunter2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("the urlFrom Secret's JDBC URL starts with 'jdbc:mysql:', but spec.engine postgres needs a URL of the"
            + " form jdbc:postgresql://host:port/database?property=value&...: set the engine the URL is for, or put the"
            + " right URL in the Secret");
  }

  @Test
  void createDatabaseWithAUrlFromLoginIsRefusedSayingWhatToDo() {
    ConnectionSettings s = settings(Engine.POSTGRES, "require").withCreateDatabase(true);
    Login fromUrl = Login.ofUrl("jdbc:postgresql://db.prod.svc:5432/app?user=app&password=pw");

    assertThatThrownBy(() -> targets.admin(s, fromUrl))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("createDatabase")
        .hasMessageContaining("urlFrom")
        .hasMessageContaining("create the database yourself or use credentials");
  }

  @Test
  void withoutAHostThereIsNothingToConnectTo() {
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, null, 1433, "app", TlsMode.REQUIRE, null, Map.of(), false);

    assertThatThrownBy(() -> targets.application(s, LOGIN))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("spec.host is missing: name the database server to connect to");
  }

  // --- every property we set is one the real driver knows ---------------------------------------

  @ParameterizedTest
  @EnumSource(TlsMode.class)
  void everyPropertyHandedToMssqlJdbcIsOneItKnows(TlsMode mode) throws SQLException {
    Properties p = targets.application(settings(Engine.SQLSERVER, mode.wireName()), LOGIN).properties();
    DriverPropertyInfo[] known = new SQLServerDriver().getPropertyInfo("jdbc:sqlserver://db.prod.svc:1433", new Properties());
    Set<String> names = Arrays.stream(known).map(i -> i.name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());

    assertThat(p.stringPropertyNames()).allSatisfy(name -> assertThat(names).contains(name.toLowerCase(Locale.ROOT)));
  }

  @ParameterizedTest
  @EnumSource(TlsMode.class)
  void everyPropertyHandedToMysqlConnectorJIsOneItKnows(TlsMode mode) {
    Properties p = targets.application(settings(Engine.MYSQL, mode.wireName()), LOGIN).properties();
    Set<String> names = Arrays.stream(PropertyKey.values()).map(PropertyKey::getKeyName).collect(Collectors.toSet());

    assertThat(p.stringPropertyNames()).allSatisfy(name -> assertThat(names).contains(name));
  }

  @ParameterizedTest
  @EnumSource(TlsMode.class)
  void everyPropertyHandedToPgjdbcIsOneItKnows(TlsMode mode) {
    Properties p = targets.application(settings(Engine.POSTGRES, mode.wireName()), LOGIN).properties();
    Set<String> names = Arrays.stream(PGProperty.values()).map(PGProperty::getName).collect(Collectors.toSet());

    assertThat(p.stringPropertyNames()).allSatisfy(name -> assertThat(names).contains(name));
  }

  // --- SQL Server, played against the real driver ------------------------------------------------

  private static final FakeSqlServer.ServerError LOGIN_FAILED =
      new FakeSqlServer.ServerError(18456, 1, 14, "Login failed for user 'app_user'.");

  /** Connects with what JdbcTargets built; the fake server always refuses the login in the end. */
  private FakeSqlServer.Session connect(FakeSqlServer server, TlsMode mode, boolean admin) throws Exception {
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "localhost", server.port(), "app", mode,
        localhost.pem(), Map.of(), false);
    JdbcTarget target = admin ? targets.admin(s, LOGIN) : targets.application(s, LOGIN);

    Throwable thrown = catchThrowable(target::connect);

    assertThat(thrown).isInstanceOf(SQLException.class);
    return server.nextSession(Duration.ofSeconds(20));
  }

  @Test
  void sqlserverRequireEncryptsEvenWithTheSelfSignedCertificateOfSqlServerInDocker() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(elsewhere, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.REQUIRE, false);

      assertThat(session.requested()).isEqualTo(FakeSqlServer.ENCRYPT_ON);
      assertThat(session.handshakeCompleted()).as(session.ended()).isTrue();
      assertThat(session.tlsProtocol()).isEqualTo("TLSv1.2");
      // The login went inside TLS, with what the properties said.
      assertThat(session.login()).isEqualTo(new FakeSqlServer.Login(
          "app_user", "s3cr3t pa55", "schema-operator", "localhost", "app"));
    }
  }

  @Test
  void sqlserverVerifyCaTrustsTheServerThroughTheTrustStoreMadeFromThePem() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(localhost, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.VERIFY_CA, false);

      assertThat(session.handshakeCompleted()).as(session.ended()).isTrue();
      assertThat(session.login().user()).isEqualTo("app_user");
    }
  }

  @Test
  void sqlserverVerifyFullTrustsTheServerWhoseCertificateNamesTheHost() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(localhost, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.VERIFY_FULL, false);

      assertThat(session.handshakeCompleted()).as(session.ended()).isTrue();
    }
  }

  @Test
  void sqlserverVerifyFullRefusesACertificateTheCaDidNotIssue() throws Exception {
    // The server presents 'elsewhere'; the CA in tls.caSecretRef is 'localhost'.
    try (FakeSqlServer server = FakeSqlServer.withCertificate(elsewhere, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.VERIFY_FULL, false);

      assertThat(session.handshakeCompleted()).isFalse();
      assertThat(session.login()).isNull();
    }
  }

  @Test
  void sqlserverVerifyCaAlsoChecksTheHostNameBecauseMssqlJdbcAlwaysDoes() throws Exception {
    // A certificate signed by the trusted CA but issued to another name. postgres and MySQL accept it
    // under verify-ca; mssql-jdbc has no switch to skip the name check while validating the chain.
    Path otherCa = elsewhere.pem();
    try (FakeSqlServer server = FakeSqlServer.withCertificate(elsewhere, LOGIN_FAILED)) {
      ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "localhost", server.port(), "app",
          TlsMode.VERIFY_CA, otherCa, Map.of(), false);

      Throwable thrown = catchThrowable(() -> targets.application(s, LOGIN).connect());

      assertThat(thrown).isInstanceOf(SQLException.class).hasMessageContaining("Failed to validate the server name");
      assertThat(server.nextSession(Duration.ofSeconds(20)).handshakeCompleted()).isFalse();
    }
  }

  @Test
  void sqlserverDisableAsksForNoEncryptionYetTheDriverStillProtectsTheLogin() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(elsewhere, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.DISABLE, false);

      assertThat(session.requested()).isEqualTo(FakeSqlServer.ENCRYPT_OFF);
      // SQL Server's "login-only" encryption: a TLS handshake that verifies nothing, for LOGIN7 only.
      assertThat(session.handshakeCompleted()).as(session.ended()).isTrue();
      assertThat(session.login().password()).isEqualTo("s3cr3t pa55");
    }
  }

  @Test
  void sqlserverAdminTargetLogsInToMaster() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(localhost, LOGIN_FAILED)) {
      FakeSqlServer.Session session = connect(server, TlsMode.VERIFY_FULL, true);

      assertThat(session.login().database()).isEqualTo("master");
    }
  }

  @Test
  void sqlserverUrlLoginReachesTheServerTheUrlNamesWithItsBracedPassword() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(elsewhere, LOGIN_FAILED)) {
      Login fromUrl = Login.ofUrl("jdbc:sqlserver://localhost:" + server.port()
          + ";DatabaseName=app;User=app_user;Password={s3cr3t;pa55};trustServerCertificate=true");
      ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, null, 1433, null, null, null, Map.of(), false);

      assertThat(catchThrowable(() -> targets.application(s, fromUrl).connect())).isInstanceOf(SQLException.class);

      assertThat(server.nextSession(Duration.ofSeconds(20)).login()).isEqualTo(new FakeSqlServer.Login(
          "app_user", "s3cr3t;pa55", "schema-operator", "localhost", "app"));
    }
  }

  @Test
  void sqlserverServerAndPortParametersCannotRedirectTheOperatorsConnection() {
    // What a hostile tenant tried: mssql-jdbc reads server and port as serverName and portNumber.
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "db.prod.svc", 1433, "app", TlsMode.REQUIRE,
        null, Map.of("loginTimeout", "5"), false);

    assertThatThrownBy(() -> new ConnectionSettings(Engine.SQLSERVER, "db.prod.svc", 1433, "app", TlsMode.REQUIRE, null,
        Map.of("server", "127.0.0.1", "port", "1"), false))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("parameter 'server' is not allowed: it would send the connection to another server")
        .hasMessageContaining("parameter 'port' is not allowed: it would send the connection to another server");
    assertThatThrownBy(() -> targets.application(s,
        Login.ofUrl("jdbc:sqlserver://db.prod.svc:1433;serverName=127.0.0.1;portNumber=1;user=sa;password=x")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("property 'serverName' is not allowed: it would send the connection to another server")
        .hasMessageContaining("property 'portNumber' is not allowed");
  }

  @Test
  void sqlserverUserParametersReachTheDriverAndMayTuneWhatTheOperatorDefaults() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(localhost, LOGIN_FAILED)) {
      ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "localhost", server.port(), "app",
          TlsMode.VERIFY_FULL, localhost.pem(), Map.of("applicationName", "billing-migrations", "loginTimeout", "5"), false);

      JdbcTarget target = targets.application(s, LOGIN);
      assertThat(target.properties()).containsEntry("loginTimeout", "5");
      assertThat(catchThrowable(target::connect)).isInstanceOf(SQLException.class);

      assertThat(server.nextSession(Duration.ofSeconds(20)).login().application()).isEqualTo("billing-migrations");
    }
  }
}
