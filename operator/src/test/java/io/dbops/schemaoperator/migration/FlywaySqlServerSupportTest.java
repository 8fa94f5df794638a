package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.sqlserver.jdbc.SQLServerDriver;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.database.DatabaseType;
import org.flywaydb.core.internal.database.DatabaseTypeRegister;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.resource.StringResource;
import org.flywaydb.core.internal.sqlscript.SqlStatement;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.sqlserver.SQLServerDatabaseType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway's SQL Server support, loaded and exercised as far as it goes without a server: the plugin is
 * found, a sqlserver URL resolves to it, the driver is found, scripts with GO batches are split the
 * SQL Server way, and a whole migrate run against {@link FakeSqlServer} ends in a classified result.
 */
class FlywaySqlServerSupportTest {
  private static final String URL = "jdbc:sqlserver://db.prod.svc:1433";

  @TempDir static Path certificates;
  static TestCertificates.Identity selfSigned;

  @BeforeAll
  static void makeCertificate() {
    selfSigned = TestCertificates.selfSigned(certificates, "dns:localhost", "ip:127.0.0.1");
  }

  @Test
  void flywaySqlServerIsOnTheClasspathAsAPlugin() {
    List<DatabaseType> types = Flyway.configure().getPluginRegister().getPlugins(DatabaseType.class);

    assertThat(types).hasAtLeastOneElementOfType(SQLServerDatabaseType.class);
  }

  @Test
  void aSqlserverUrlResolvesToTheSqlServerFamilyOfDatabaseTypes() {
    List<?> types = DatabaseTypeRegister.getDatabaseTypesForUrl(URL, Flyway.configure());

    // SQL Server and its cloud variants (Synapse, Fabric) share the URL; Flyway tells them apart once connected.
    assertThat(types).isNotEmpty().allSatisfy(t -> assertThat(t).isInstanceOf(SQLServerDatabaseType.class));
    assertThat(types.stream().map(t -> ((DatabaseType) t).getName())).contains("SQL Server");
    assertThat(DatabaseTypeRegister.getDatabaseTypesForUrl("jdbc:postgresql://db/app", Flyway.configure()))
        .noneSatisfy(t -> assertThat(t).isInstanceOf(SQLServerDatabaseType.class));
  }

  @Test
  void theUrlOurDialectBuildsResolvesTheSameWay() {
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "mssql.data.svc", 1433, "orders", TlsMode.REQUIRE,
        null, Map.of(), false);
    String url = JdbcTargets.withTemporaryTrustStores().application(s, Login.of("sa", "pw")).url();

    assertThat(DatabaseTypeRegister.getDatabaseTypesForUrl(url, Flyway.configure()))
        .extracting(t -> ((DatabaseType) t).getName()).contains("SQL Server");
  }

  @Test
  void flywayRecognisesSqlServerByTheProductNameTheDriverReports() {
    // With our DataSource Flyway sees no URL: it picks the type from DatabaseMetaData's product name.
    SQLServerDatabaseType type = new SQLServerDatabaseType();

    assertThat(type.handlesDatabaseProductNameAndVersion("Microsoft SQL Server", "16.00.4135", null)).isTrue();
    assertThat(type.handlesDatabaseProductNameAndVersion("PostgreSQL", "16.4", null)).isFalse();
  }

  @Test
  void theMssqlDriverIsFoundForASqlserverUrl() throws Exception {
    assertThat(DriverManager.getDriver(URL)).isInstanceOf(SQLServerDriver.class);
    assertThat(new SQLServerDatabaseType().getDriverClass(URL, getClass().getClassLoader()))
        .isEqualTo(SQLServerDriver.class.getName());
  }

  @Test
  void scriptsAreSplitAtGoLikeSqlcmdDoes() {
    Configuration config = Flyway.configure();
    Parser parser = new SQLServerDatabaseType().createParser(config, null, new ParsingContext());
    String script = String.join("\n",
        "CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name NVARCHAR(100));",
        "GO",
        "CREATE VIEW active_users AS SELECT id, name FROM users;",
        "GO",
        "CREATE PROCEDURE add_user @name NVARCHAR(100) AS",
        "BEGIN",
        "  INSERT INTO users (id, name) SELECT COALESCE(MAX(id), 0) + 1, @name FROM users;",
        "END",
        "GO",
        "");

    List<String> statements = new ArrayList<>();
    try (SqlStatementIterator it = parser.parse(new StringResource(script))) {
      while (it.hasNext()) {
        SqlStatement statement = it.next();
        statements.add(statement.getSql().strip());
      }
    }

    // CREATE VIEW and CREATE PROCEDURE must each start a batch; the parser keeps them whole.
    assertThat(statements).hasSize(3);
    assertThat(statements.get(0)).startsWith("CREATE TABLE users");
    assertThat(statements.get(1)).startsWith("CREATE VIEW active_users");
    assertThat(statements.get(2)).startsWith("CREATE PROCEDURE add_user").endsWith("END");
  }

  // --- our SQL Server dialect ---------------------------------------------------------------------

  @Test
  void theLockTimeoutIsSetInMilliseconds() {
    EngineDialect dialect = EngineDialect.of(Engine.SQLSERVER);

    assertThat(dialect.initSql(30, 0)).isEqualTo("SET LOCK_TIMEOUT 30000");
    assertThat(dialect.initSql(86_400, 600)).isEqualTo("SET LOCK_TIMEOUT 86400000");
  }

  @Test
  void identifiersAreQuotedWithBracketsDoublingAClosingBracket() {
    EngineDialect dialect = EngineDialect.of(Engine.SQLSERVER);

    assertThat(dialect.quoteIdentifier("app")).isEqualTo("[app]");
    assertThat(dialect.quoteIdentifier("billing-eu")).isEqualTo("[billing-eu]");
    assertThat(dialect.quoteIdentifier("odd]name")).isEqualTo("[odd]]name]");
    assertThat(dialect.quoteIdentifier("a]]b[")).isEqualTo("[a]]]]b[]");
  }

  @Test
  void theEngineHandsFlywayOurDataSourceAndTheLockTimeout() {
    MigrationEngine engine = engine(1433, TlsMode.REQUIRE, selfSigned.pem(), Progress.silent());

    Configuration config = engine.flyway().getConfiguration();

    assertThat(config.getInitSql()).isEqualTo("SET LOCK_TIMEOUT 30000");
    assertThat(config.getDataSource()).isInstanceOf(DriverDataSource.class);
    assertThat(config.getSchemas()).containsExactly("app");
    assertThat(config.isCleanDisabled()).isTrue();
  }

  // --- a whole run, up to where a real server would be needed -------------------------------------

  @Test
  void migrateAgainstSqlServerWithItsOwnCertificateAndTheWrongCaStopsWithATlsFailure() throws Exception {
    TestCertificates.Identity otherCa = TestCertificates.selfSigned(certificates, "dns:localhost");
    List<String> lines = new ArrayList<>();
    MigrationResult result;
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned)) {
      result = engine(server.port(), TlsMode.VERIFY_FULL, otherCa.pem(), lines::add).migrate();
    }

    assertThat(result.success()).isFalse();
    assertThat(result.failure().reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("migrate failed (TlsFailed)").contains("tls.mode"));
  }

  @Test
  void migrateWithAWrongPasswordStopsWithAnAuthenticationFailure() throws Exception {
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned,
        new FakeSqlServer.ServerError(18456, 1, 14, "Login failed for user 'sa'."))) {
      MigrationResult result = engine(server.port(), TlsMode.VERIFY_FULL, selfSigned.pem(), Progress.silent()).migrate();

      assertThat(result.failure().reason()).isEqualTo(FailureReason.AuthenticationFailed);
      assertThat(result.failure().sqlState()).isEqualTo("S0001");
      assertThat(result.failure().message()).doesNotContain("s3cr3t");
      assertThat(result.exitCode()).isEqualTo(1);
      // Flyway's connection went through TLS to the application database with the Secret's login.
      FakeSqlServer.Session session = server.nextSession(Duration.ofSeconds(20));
      assertThat(session.handshakeCompleted()).isTrue();
      assertThat(session.login().database()).isEqualTo("app");
      assertThat(session.login().password()).isEqualTo("s3cr3t pa55");
    }
  }

  private static MigrationEngine engine(int port, TlsMode mode, Path ca, Progress progress) {
    ConnectionSettings connection = new ConnectionSettings(Engine.SQLSERVER, "localhost", port, "app", mode, ca,
        Map.of(), false);
    MigrationSettings settings = new MigrationSettings(List.of("app"), "latest", Map.of(), false, "1", false, 30, 0);
    MigrationScripts scripts = MigrationScripts.fromNamedSources(List.of(Map.of(
        "V1__create_users.sql", "CREATE TABLE users (id INT NOT NULL PRIMARY KEY);\nGO\n")));
    return new MigrationEngine(connection, Login.of("sa", "s3cr3t pa55"), settings, scripts,
        JdbcTargets.withTemporaryTrustStores(), progress);
  }
}
