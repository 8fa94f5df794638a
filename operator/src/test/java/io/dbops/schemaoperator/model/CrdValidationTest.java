package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The committed CRDs accept what the design promises and reject what it forbids, with messages a person can act on. */
class CrdValidationTest {
  private static final CrdValidator CRDS = CrdValidator.forProject();

  @Nested
  class Connections {
    @Test
    void externalPostgresWithCredentialsIsAccepted() {
      assertAccepted(connection("""
          engine: postgres
          host: db.prod.svc
          port: 5432
          database: app
          createDatabase: true
          credentials:
            secretName: app-db
          tls:
            mode: verify-full
            caSecretRef: {name: db-ca, key: ca.crt}
          parameters:
            connectTimeout: "10"
            tcpKeepAlive: "true"
          healthCheck: {intervalSeconds: 30}
          """));
    }

    @Test
    void urlFromSecretIsAccepted() {
      assertAccepted(connection("""
          engine: sqlserver
          urlFrom:
            secretKeyRef: {name: legacy-db, key: jdbc-url}
          """));
    }

    @Test
    void managedInstanceIsAccepted() {
      assertAccepted(connection("""
          engine: sqlserver
          database: app
          instance:
            image: mcr.microsoft.com/mssql/server:2022-latest
            storage: {size: 10Gi, storageClassName: standard}
            resources:
              requests: {cpu: 500m, memory: 2Gi}
              limits: {cpu: 2, memory: 4Gi}
            sqlserver: {acceptEula: true, edition: Developer}
          """));
    }

    @Test
    void hostAndInstanceTogetherAreRejected() {
      assertRejected(connection("""
          engine: postgres
          host: db.prod.svc
          credentials: {secretName: app-db}
          instance:
            image: postgres:16
            storage: {size: 1Gi}
          """), "set exactly one of host");
    }

    @Test
    void noHostInstanceOrUrlIsRejected() {
      assertRejected(connection("""
          engine: postgres
          database: app
          credentials: {secretName: app-db}
          """), "set exactly one of host");
    }

    @Test
    void credentialsTogetherWithUrlFromAreRejected() {
      assertRejected(connection("""
          engine: mysql
          credentials: {secretName: app-db}
          urlFrom:
            secretKeyRef: {name: app-db, key: url}
          """), "credentials and urlFrom are exclusive");
    }

    @Test
    void hostWithoutCredentialsIsRejected() {
      assertRejected(connection("""
          engine: mariadb
          host: mariadb.shared.svc
          """), "an external database (host) needs credentials.secretName");
    }

    @Test
    void unknownEngineIsRejected() {
      assertRejected(connection("""
          engine: oracle
          host: db
          credentials: {secretName: app-db}
          """), "spec.engine", "enum");
    }

    @Test
    void portOutsideTcpRangeIsRejected() {
      assertRejected(external("port: 0"), "spec.port", "minimum");
      assertRejected(external("port: 70000"), "spec.port", "maximum");
    }

    @Test
    void hostCarryingPortOrPathIsRejected() {
      assertRejected(connection("""
          engine: postgres
          host: "db:5432"
          credentials: {secretName: app-db}
          """), "spec.host", "pattern");
      assertRejected(connection("""
          engine: postgres
          host: db/x
          credentials: {secretName: app-db}
          """), "spec.host", "pattern");
    }

    @Test
    void databaseNameWithSemicolonIsRejected() {
      assertRejected(external("database: \"app;drop\""), "spec.database", "pattern");
    }

    @Test
    void verifyFullWithoutCaIsRejected() {
      assertRejected(external("tls: {mode: verify-full}"), "tls.mode verify-ca and verify-full need caSecretRef");
    }

    @Test
    void parameterNameWithSpaceIsRejected() {
      assertRejected(external("parameters: {\"connect timeout\": \"10\"}"),
          "parameters not allowed for postgres: connect timeout; allowed: ApplicationName|");
    }

    @ParameterizedTest(name = "{0} admits every name of its allowlist")
    @EnumSource(Engine.class)
    void everyAllowlistedParameterIsAdmittedForItsEngine(Engine engine) {
      StringBuilder parameters = new StringBuilder("parameters:\n");
      DriverParameterNames.of(engine).forEach(name -> parameters.append("  ").append(name).append(": \"1\"\n"));

      assertAccepted(connection("""
          engine: %s
          host: db.prod.svc
          credentials: {secretName: app-db}
          """.formatted(engine.wireName()) + parameters));
    }

    @ParameterizedTest(name = "{0}: {1} is refused at admission, named in the message")
    @CsvSource({
        "postgres,  socketFactory",
        "postgres,  loggerFile",
        "postgres,  authenticationPluginClassName",
        "postgres,  sslfactory",
        "postgres,  PGHOST",
        "postgres,  host",
        "postgres,  password",
        "mysql,     allowLoadLocalInfile",
        "mysql,     autoDeserialize",
        "mariadb,   queryInterceptors",
        "mariadb,   allowUrlInLocalInfile",
        "sqlserver, server",
        "sqlserver, port",
        "sqlserver, serverName",
        "sqlserver, instanceName",
        "sqlserver, failoverPartner",
        "sqlserver, trustManagerClass",
        "sqlserver, accessTokenCallbackClass",
        "sqlserver, LoginTimeout"})
    void aParameterOutsideTheAllowlistIsRefusedNamingIt(String engine, String name) {
      assertRejected(connection("""
          engine: %s
          host: db.prod.svc
          credentials: {secretName: app-db}
          parameters: {connectTimeout: "5", %s: "x"}
          """.formatted(engine, name).replace("connectTimeout", engine.equals("sqlserver") ? "loginTimeout" : "connectTimeout")),
          "parameters not allowed for " + engine + ": " + name + "; allowed: ");
    }

    @ParameterizedTest(name = "an instance named {0} is refused")
    @CsvSource({"db.prod", "1db", "app_db", "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghi"})
    void aManagedInstanceWhoseNameCannotNameAServiceIsRefused(String name) {
      assertRejected(document("DatabaseConnection", name, """
          engine: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi}
          """), "its name must be a Service name: at most 52 lower-case letters");
    }

    @Test
    void aManagedInstanceNamedWith52CharactersIsAccepted() {
      String name = "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh";
      assertThat(name).hasSize(52);
      assertAccepted(document("DatabaseConnection", name, """
          engine: postgres
          instance:
            image: postgres:16
            storage: {size: 1Gi}
          """));
    }

    @Test
    void anExternalDatabaseMayHaveADottedName() {
      // Only a managed instance's name becomes a Service name.
      assertAccepted(document("DatabaseConnection", "db.prod", """
          engine: postgres
          host: db.prod.svc
          credentials: {secretName: app-db}
          """));
    }

    @Test
    void aParameterAllowedForOneEngineIsRefusedForAnother() {
      // ApplicationName is pgjdbc's spelling; mssql-jdbc's is applicationName, and MySQL has neither.
      assertRejected(connection("""
          engine: mysql
          host: db.prod.svc
          credentials: {secretName: app-db}
          parameters: {ApplicationName: billing}
          """), "parameters not allowed for mysql: ApplicationName");
    }

    @Test
    void printerColumnsAndShortName() {
      JsonNode crd = CRDS.crd("DatabaseConnection");
      assertThat(printerColumns(crd)).contains("Engine", "Ready", "Version", "Age");
      assertThat(crd.at("/spec/names/shortNames").toString()).contains("\"dbconn\"");
    }

    @Test
    void aHealthCheckIntervalPastAYearIsRejected() {
      // 3000000000 does not even fit the operator's Integer: before this bound it stopped the operator.
      assertRejected(external("healthCheck: {intervalSeconds: 3000000000}"), "spec.healthCheck.intervalSeconds",
          "maximum");
      assertAccepted(external("healthCheck: {intervalSeconds: 31536000}"));
    }

    /** A valid external connection plus one more spec line. */
    private String external(String extraSpecLine) {
      return connection("""
          engine: postgres
          host: db.prod.svc
          credentials: {secretName: app-db}
          """ + extraSpecLine + "\n");
    }
  }

  @Nested
  class Schemas {
    @Test
    void inlineMigrationsAreAccepted() {
      assertAccepted(schema("""
          connectionRef: {name: app-db}
          schemas: [app, audit]
          migrations:
            inline:
              - name: V1__create_users.sql
                sql: CREATE TABLE users (id BIGINT PRIMARY KEY);
              - name: V1.1__add_email.sql
                sql: ALTER TABLE users ADD email TEXT;
              - name: R__views.sql
                sql: CREATE OR REPLACE VIEW v AS SELECT 1;
          target: "1.1"
          placeholders: {env: prod}
          approval: Manual
          timeouts: {lockSeconds: 10}
          retry: {limit: 3}
          deletionPolicy: Retain
          """));
    }

    @Test
    void configMapRefsAloneAreAccepted() {
      assertAccepted(schema("""
          connectionRef: {name: app-db}
          migrations:
            configMapRefs: [{name: app-migrations}]
          """));
    }

    @Test
    void imageAloneIsAccepted() {
      assertAccepted(schema("""
          connectionRef: {name: app-db}
          migrations:
            image: {ref: "ghcr.io/acme/app:1.4.2", path: /app/db/migration}
          """));
    }

    @Test
    void noMigrationSourceIsRejected() {
      assertRejected(schema("""
          connectionRef: {name: app-db}
          migrations: {}
          """), "give at least one migration source");
      assertRejected(schema("""
          connectionRef: {name: app-db}
          migrations:
            inline: []
          """), "give at least one migration source");
    }

    @Test
    void inlineNameThatFlywayWouldNotRunIsRejected() {
      assertRejected(inline("create_users.sql"), "spec.migrations.inline[0].name", "pattern");
      assertRejected(inline("v1__x.sql"), "spec.migrations.inline[0].name", "pattern");
    }

    @Test
    void schemaNameThatIsNotAnIdentifierIsRejected() {
      assertRejected(schema("""
          connectionRef: {name: app-db}
          schemas: ["app;drop"]
          migrations:
            configMapRefs: [{name: app-migrations}]
          """), "schemas are SQL identifiers");
    }

    @Test
    void targetThatIsNeitherLatestNorVersionIsRejected() {
      assertRejected(withConfigMap("target: banana"), "spec.target", "pattern");
    }

    @Test
    void unknownApprovalIsRejected() {
      assertRejected(withConfigMap("approval: Sometimes"), "spec.approval", "enum");
    }

    @Test
    void missingConnectionRefIsRejected() {
      assertRejected(schema("""
          migrations:
            configMapRefs: [{name: app-migrations}]
          """), "connectionRef");
    }

    @Test
    void twoInlineScriptsWithTheSameNameAreRejected() {
      assertRejected(schema("""
          connectionRef: {name: app-db}
          migrations:
            inline:
              - {name: V1__create_users.sql, sql: "CREATE TABLE users (id INT);"}
              - {name: V1__create_users.sql, sql: "CREATE TABLE people (id INT);"}
          """), "spec.migrations.inline[1]: Duplicate value", "V1__create_users.sql");
    }

    @Test
    void inlineSqlMoreThanOneConfigMapCarriesIsRejectedNamingTheOtherSources() {
      String half = "-- " + "x".repeat(Migrations.MAX_INLINE_CHARACTERS / 2) + "\n";
      assertRejected(schema("""
          connectionRef: {name: app-db}
          migrations:
            inline:
              - {name: V1__a.sql, sql: "%s"}
              - {name: V2__b.sql, sql: "%s"}
          """.formatted(half.replace("\n", "\\n"), half.replace("\n", "\\n"))),
          "spec.migrations: spec.migrations.inline holds more SQL than the one ConfigMap", "configMapRefs", "image");
    }

    @Test
    void inlineSqlUpToWhatAConfigMapCarriesIsAccepted() {
      String sql = "x".repeat(Migrations.MAX_INLINE_CHARACTERS - 2 * "V1__a.sql".length() - 10);
      assertAccepted(schema("""
          connectionRef: {name: app-db}
          migrations:
            inline:
              - {name: V1__a.sql, sql: "%s"}
              - {name: V2__b.sql, sql: "-- b"}
          """.formatted(sql)));
    }

    @Test
    void numbersPastTheirRealRangeAreRejected() {
      assertRejected(withConfigMap("driftCheck: {intervalSeconds: 3000000000}"), "spec.driftCheck.intervalSeconds",
          "maximum");
      assertRejected(withConfigMap("job: {activeDeadlineSeconds: 604801}"), "spec.job.activeDeadlineSeconds", "maximum");
      assertRejected(withConfigMap("retry: {limit: 101}"), "spec.retry.limit", "maximum");
      assertRejected(withConfigMap("job: {tolerations: [{key: k, operator: Exists, effect: NoExecute,"
          + " tolerationSeconds: 9223372036854775807}]}"), "spec.job.tolerations[0].tolerationSeconds", "maximum");
    }

    @Test
    void printerColumnsAndShortName() {
      JsonNode crd = CRDS.crd("DatabaseSchema");
      assertThat(printerColumns(crd)).contains("Ready", "Version", "Pending", "Reason", "Age");
      assertThat(crd.at("/spec/names/shortNames").toString()).contains("\"dbschema\"");
    }

    private String inline(String name) {
      return schema("""
          connectionRef: {name: app-db}
          migrations:
            inline:
              - name: "%s"
                sql: SELECT 1;
          """.formatted(name));
    }

    private String withConfigMap(String extraSpecLine) {
      return schema("""
          connectionRef: {name: app-db}
          migrations:
            configMapRefs: [{name: app-migrations}]
          """ + extraSpecLine + "\n");
    }
  }

  @Test
  void typosInFieldNamesAreRejectedLikeKubectlDoes() {
    assertRejected(connection("""
        engine: postgres
        host: db
        credentials: {secretName: app-db, passwrodKey: pw}
        """), "unknown field \"spec.credentials.passwrodKey\"");
  }

  @Test
  void wrongApiVersionIsRejected() {
    assertRejected("""
        apiVersion: dbops.io/v1
        kind: DatabaseSchema
        metadata: {name: app}
        spec: {}
        """, "no kind \"DatabaseSchema\" is registered for version \"dbops.io/v1\"");
  }

  @Test
  void resourcesBuiltWithTheModelClassesAreAccepted() {
    // Java leaves unset fields null and collections empty; the API server must take that as it comes.
    DatabaseConnectionSpec connectionSpec = new DatabaseConnectionSpec();
    connectionSpec.setEngine(Engine.POSTGRES);
    connectionSpec.setHost("db.prod.svc");
    Credentials credentials = new Credentials();
    credentials.setSecretName("app-db");
    connectionSpec.setCredentials(credentials);
    DatabaseConnection connection = new DatabaseConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName("app-db").build());
    connection.setSpec(connectionSpec);

    Migrations migrations = new Migrations();
    migrations.setConfigMapRefs(List.of(new ConfigMapRef("app-migrations")));
    DatabaseSchemaSpec schemaSpec = new DatabaseSchemaSpec();
    schemaSpec.setConnectionRef(new ConnectionRef("app-db"));
    schemaSpec.setMigrations(migrations);
    DatabaseSchema schema = new DatabaseSchema();
    schema.setMetadata(new ObjectMetaBuilder().withName("app").build());
    schema.setSpec(schemaSpec);

    assertThat(CRDS.validate(connection)).isEmpty();
    assertThat(CRDS.validate(schema)).isEmpty();
  }

  private static String connection(String spec) {
    return document("DatabaseConnection", "app-db", spec);
  }

  private static String schema(String spec) {
    return document("DatabaseSchema", "app", spec);
  }

  private static String document(String kind, String name, String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: %s
        metadata: {name: %s, namespace: team-a}
        spec:
        %s""".formatted(kind, name, spec.indent(2));
  }

  private static void assertAccepted(String document) {
    assertThat(CRDS.validate(document)).as("violations of%n%s", document).isEmpty();
  }

  private static void assertRejected(String document, String... wordsOfOneMessage) {
    List<String> violations = CRDS.validate(document);
    assertThat(violations)
        .as("violations of%n%s", document)
        .anySatisfy(message -> assertThat(message).contains(wordsOfOneMessage));
  }

  private static List<String> printerColumns(JsonNode crd) {
    List<String> names = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns").forEach(column -> names.add(column.path("name").asText()));
    return names;
  }
}
