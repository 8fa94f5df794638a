package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Patterns;
import io.dbops.schemaoperator.model.TlsMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything about a database except the login: engine, address, TLS and driver parameters.
 * Checked here as well as by the CRD, because the local commands and the Job read specs that never
 * went through an API server.
 */
public record ConnectionSettings(
    Engine engine,
    String host,
    int port,
    String database,
    TlsMode tlsMode,
    Path caCertificate,
    Map<String, String> parameters,
    boolean createDatabase) {

  public static final TlsMode DEFAULT_TLS_MODE = TlsMode.REQUIRE;

  public ConnectionSettings {
    if (engine == null) {
      throw new ConfigurationException("spec.engine is missing: use one of postgres, mysql, mariadb, sqlserver");
    }
    if (host != null && !host.matches(Patterns.HOST)) {
      throw new ConfigurationException(
          "spec.host '" + host + "' is not a host name or IPv4 address (no port, path or query belongs there)");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigurationException("spec.port " + port + " is outside 1-65535");
    }
    if (database != null && !database.matches(Patterns.DATABASE)) {
      throw new ConfigurationException(
          "spec.database '" + database + "' must start with a letter or '_' and hold only letters, digits, '_' or '-' (at most 63)");
    }
    tlsMode = tlsMode == null ? DEFAULT_TLS_MODE : tlsMode;
    if ((tlsMode == TlsMode.VERIFY_CA || tlsMode == TlsMode.VERIFY_FULL) && caCertificate == null) {
      throw new ConfigurationException(
          "tls.mode " + tlsMode.wireName() + " needs the CA certificate: set tls.caSecretRef");
    }
    parameters = Map.copyOf(parameters == null ? Map.of() : new LinkedHashMap<>(parameters));
    DriverProperties.checkParameters(engine, parameters);
  }

  /**
   * Reads a connection spec. {@code caCertificate} is where the CA named by tls.caSecretRef has been
   * written or mounted; null when there is none.
   */
  public static ConnectionSettings from(DatabaseConnectionSpec spec, Path caCertificate) {
    if (spec == null || spec.getEngine() == null) {
      throw new ConfigurationException("spec.engine is missing: use one of postgres, mysql, mariadb, sqlserver");
    }
    TlsMode mode = spec.getTls() == null ? null : spec.getTls().getMode();
    return new ConnectionSettings(
        spec.getEngine(),
        spec.getHost(),
        spec.effectivePort(),
        spec.getDatabase(),
        mode,
        caCertificate,
        spec.getParameters(),
        spec.wantsDatabaseCreated());
  }

  public ConnectionSettings withAddress(String newHost, int newPort) {
    return new ConnectionSettings(engine, newHost, newPort, database, tlsMode, caCertificate, parameters, createDatabase);
  }

  public ConnectionSettings withTls(TlsMode mode) {
    return new ConnectionSettings(engine, host, port, database, mode, caCertificate, parameters, createDatabase);
  }

  public ConnectionSettings withCreateDatabase(boolean create) {
    return new ConnectionSettings(engine, host, port, database, tlsMode, caCertificate, parameters, create);
  }

  /** host:port, for messages and status. */
  public String endpoint() {
    return host + ":" + port;
  }
}
