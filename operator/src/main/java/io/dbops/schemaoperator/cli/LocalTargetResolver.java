package io.dbops.schemaoperator.cli;

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
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
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
    ConnectionSettings settings;
    Login login;
    if (embedded != null) {
      // The CA is still read, so a missing CA Secret shows up locally; the embedded server itself speaks no TLS.
      settings = embedded.redirect(ConnectionSettings.from(spec, caFile(namespace, spec)), connectionName);
      login = embedded.login();
    } else {
      if (spec.getInstance() != null) {
        throw new ConfigurationException("DatabaseConnection " + connectionName
            + " describes a managed instance, which exists only in a cluster: use --embedded, or a connection with host");
      }
      settings = ConnectionSettings.from(spec, caFile(namespace, spec));
      login = login(namespace, connectionName, spec);
    }
    return new LocalTarget(namespace, name, connectionName, settings, login,
        MigrationSettings.from(schema.getSpec()), scripts(namespace, name, schema.getSpec().getMigrations()));
  }

  private Login login(String namespace, String connectionName, DatabaseConnectionSpec spec) {
    if (spec.getUrlFrom() != null && spec.getUrlFrom().getSecretKeyRef() != null) {
      SecretKeyRef ref = spec.getUrlFrom().getSecretKeyRef();
      if (manifests.secret(namespace, ref.getName()).isPresent()) {
        return Login.ofUrl(secretValue(namespace, ref.getName(), ref.getKey()));
      }
    } else if (spec.getCredentials() != null) {
      String secretName = spec.getCredentials().getSecretName();
      if (manifests.secret(namespace, secretName).isPresent()) {
        return Login.of(
            secretValue(namespace, secretName, spec.getCredentials().getUsernameKey()),
            secretValue(namespace, secretName, spec.getCredentials().getPasswordKey()));
      }
    }
    return EnvironmentLogin.from(env).orElseThrow(() -> new ConfigurationException(
        "DatabaseConnection " + connectionName + ": its Secret is not in the files given with -f;"
            + " add it, or set DBOPS_USERNAME and DBOPS_PASSWORD (or DBOPS_JDBC_URL)"));
  }

  private Path caFile(String namespace, DatabaseConnectionSpec spec) {
    if (spec.getTls() == null || spec.getTls().getCaSecretRef() == null) {
      return null;
    }
    SecretKeyRef ref = spec.getTls().getCaSecretRef();
    String pem = secretValue(namespace, ref.getName(), ref.getKey());
    try {
      Path file = Files.createTempFile("schema-operator-ca", ".pem");
      file.toFile().deleteOnExit();
      Files.writeString(file, pem, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String secretValue(String namespace, String secretName, String key) {
    Secret secret = manifests.secret(namespace, secretName).orElseThrow(() -> new ConfigurationException(
        "Secret " + secretName + " is not in the files given with -f (namespace " + namespace + ")"));
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      try {
        return new String(Base64.getDecoder().decode(secret.getData().get(key).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("Secret " + secretName + " key " + key + " is not valid base64");
      }
    }
    throw new ConfigurationException("Secret " + secretName + " has no key " + key);
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
