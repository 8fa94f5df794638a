package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.controller.common.CaFiles;
import io.dbops.schemaoperator.controller.common.ConnectionResolver;
import io.dbops.schemaoperator.controller.common.SecretReader;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.jobenv.EnvironmentLogin;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a DatabaseSchema from YAML files the way the operator resolves one in a cluster: its
 * connection, the connection's Secret (or DBOPS_* environment variables when the Secret is not in
 * the files), and its ConfigMaps, all within the same namespace.
 */
final class LocalTargetResolver {
  private final ManifestSet manifests;
  private final Map<String, String> env;
  private final EmbeddedPostgresServer embedded;
  private final ConnectionResolver resolver = new ConnectionResolver(CaFiles.inTemporaryDirectory());

  LocalTargetResolver(ManifestSet manifests, Map<String, String> env, EmbeddedPostgresServer embedded) {
    this.manifests = manifests;
    this.env = env;
    this.embedded = embedded;
  }

  LocalTarget resolve(DatabaseSchema schema) {
    String namespace = ManifestSet.namespaceOf(schema);
    String name = schema.getMetadata().getName();
    if (schema.getSpec() == null || schema.getSpec().getConnectionRef() == null) {
      throw new ConfigurationException("DatabaseSchema " + name + " has no spec.connectionRef.name");
    }
    String connectionName = schema.getSpec().getConnectionRef().getName();
    DatabaseConnection connection = manifests.connection(namespace, connectionName).orElseThrow(() ->
        new ConfigurationException("DatabaseSchema " + name + " refers to DatabaseConnection " + connectionName
            + ", which is not in the files given with -f (namespace " + namespace + ")"));
    DatabaseConnectionSpec spec = connection.getSpec();
    if (spec == null) {
      throw new ConfigurationException("DatabaseConnection " + connectionName + " has no spec");
    }
    SecretReader secrets = embedded != null
        ? SecretReader.forServerWithoutTls(secretName -> manifests.secret(namespace, secretName))
        : new SecretReader(secretName -> manifests.secret(namespace, secretName));
    ConnectionSettings settings;
    Login login;
    if (embedded != null) {
      // The CA is still read, so a missing CA Secret shows up locally; the embedded server itself speaks no TLS.
      settings = embedded.redirect(orFail(connectionName, resolver.settings(spec, secrets)), connectionName);
      login = embedded.login();
    } else {
      if (spec.getInstance() != null) {
        throw new ConfigurationException("DatabaseConnection " + connectionName
            + " describes a managed instance, which exists only in a cluster: use --embedded, or a connection with host");
      }
      settings = orFail(connectionName, resolver.settings(spec, secrets));
      login = login(connectionName, spec, secrets);
    }
    return new LocalTarget(namespace, name, connectionName, settings, login,
        MigrationSettings.from(schema.getSpec()), scripts(namespace, name, schema.getSpec().getMigrations()),
        SchemaDefaults.destructivePolicy(schema.getSpec()));
  }

  /** The login from the connection's Secret when the files hold it, else from DBOPS_* environment variables. */
  private Login login(String connectionName, DatabaseConnectionSpec spec, SecretReader secrets) {
    Lookup<Login> fromFiles = secrets.login(spec);
    if (fromFiles.found()) {
      return fromFiles.value();
    }
    if (!"SecretNotFound".equals(fromFiles.reason())) {
      throw new ConfigurationException("DatabaseConnection " + connectionName + ": " + fromFiles.message());
    }
    return EnvironmentLogin.from(env).orElseThrow(() -> new ConfigurationException(
        "DatabaseConnection " + connectionName + ": its Secret is not in the files given with -f;"
            + " add it, or set DBOPS_USERNAME and DBOPS_PASSWORD (or DBOPS_JDBC_URL)"));
  }

  private static <T> T orFail(String connectionName, Lookup<T> lookup) {
    if (!lookup.found()) {
      String where = "SecretNotFound".equals(lookup.reason()) ? " (not in the files given with -f)" : "";
      throw new ConfigurationException("DatabaseConnection " + connectionName + ": " + lookup.message() + where);
    }
    return lookup.value();
  }

  private MigrationScripts scripts(String namespace, String schemaName, Migrations migrations) {
    if (migrations == null) {
      throw new ConfigurationException("DatabaseSchema " + schemaName + " has no spec.migrations");
    }
    if (migrations.getImage() != null) {
      throw new ConfigurationException("DatabaseSchema " + schemaName
          + " takes migrations from an image, which only a Job in the cluster can read: use inline or configMapRefs locally");
    }
    List<Map<String, String>> sources = new ArrayList<>();
    Map<String, String> inline = new LinkedHashMap<>();
    for (InlineMigration m : migrations.getInline()) {
      if (inline.put(m.getName(), m.getSql() == null ? "" : m.getSql()) != null) {
        throw new ConfigurationException("DatabaseSchema " + schemaName + ": inline migration " + m.getName() + " appears twice");
      }
    }
    sources.add(inline);
    for (ConfigMapRef ref : migrations.getConfigMapRefs()) {
      ConfigMap cm = manifests.configMap(namespace, ref.getName()).orElseThrow(() -> new ConfigurationException(
          "DatabaseSchema " + schemaName + " refers to ConfigMap " + ref.getName() + ", which is not in the files given with -f"));
      sources.add(cm.getData() == null ? Map.of() : cm.getData());
    }
    if (sources.stream().allMatch(Map::isEmpty)) {
      throw new ConfigurationException("DatabaseSchema " + schemaName + " has no migrations: add inline scripts or configMapRefs");
    }
    return MigrationScripts.fromNamedSources(sources);
  }
}
