package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names, labels and login of a database the operator deploys for a DatabaseConnection with
 * spec.instance, and that connection as everything else sees it: an external database at the
 * instance's Service, logged into with the admin Secret (or spec.credentials when given).
 */
public final class ManagedInstance {
  public static final String DATA_VOLUME = "data";
  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ManagedInstance() {}

  public static boolean isManaged(DatabaseConnection connection) {
    return connection.getSpec() != null && connection.getSpec().getInstance() != null;
  }

  public static String statefulSetName(DatabaseConnection connection) {
    return connection.getMetadata().getName();
  }

  public static String serviceName(DatabaseConnection connection) {
    return connection.getMetadata().getName();
  }

  public static String headlessServiceName(DatabaseConnection connection) {
    return connection.getMetadata().getName() + "-headless";
  }

  public static String adminSecretName(DatabaseConnection connection) {
    return connection.getMetadata().getName() + "-admin";
  }

  /** The client Service's name in cluster DNS. */
  public static String serviceHost(DatabaseConnection connection) {
    return serviceName(connection) + "." + connection.getMetadata().getNamespace() + ".svc";
  }

  public static int port(DatabaseConnection connection) {
    return connection.getSpec().effectivePort();
  }

  /** The engine's superuser, whose password the admin Secret holds. */
  public static String adminUser(Engine engine) {
    return switch (engine) {
      case POSTGRES -> "postgres";
      case SQLSERVER -> "sa";
      case MYSQL, MARIADB -> "root";
    };
  }

  public static Map<String, String> labels(DatabaseConnection connection) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.put(Labels.NAME, connection.getSpec().getEngine().wireName());
    labels.put("app.kubernetes.io/instance", Labels.value(connection.getMetadata().getName()));
    labels.put(Labels.CONNECTION, Labels.value(connection.getMetadata().getName()));
    return labels;
  }

  /** The labels that pick the instance's Pods, fixed for its lifetime (a StatefulSet's selector is immutable). */
  public static Map<String, String> selector(DatabaseConnection connection) {
    return Map.of(Labels.CONNECTION, Labels.value(connection.getMetadata().getName()), Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }

  /**
   * The connection as an external database at {@code host:port}: the probe, the schema controller
   * and migration Jobs then treat both kinds alike. Without spec.tls the in-cluster hop is not
   * encrypted for PostgreSQL and MariaDB (their images serve no certificate by default) and encrypted
   * without verification for SQL Server (which always has its self-signed one).
   */
  public static DatabaseConnection asExternal(DatabaseConnection connection, String host, int port) {
    DatabaseConnection external = SERIALIZATION.clone(connection);
    DatabaseConnectionSpec spec = external.getSpec();
    spec.setInstance(null);
    spec.setHost(host);
    spec.setPort(port);
    if (spec.getCredentials() == null) {
      Credentials admin = new Credentials();
      admin.setSecretName(adminSecretName(connection));
      admin.setUsernameKey(USERNAME_KEY);
      admin.setPasswordKey(PASSWORD_KEY);
      spec.setCredentials(admin);
    }
    if (spec.getTls() == null) {
      Tls tls = new Tls();
      tls.setMode(spec.getEngine() == Engine.SQLSERVER ? TlsMode.REQUIRE : TlsMode.DISABLE);
      spec.setTls(tls);
    }
    return external;
  }
}
