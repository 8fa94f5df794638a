package io.dbops.schemaoperator.migration;

import java.util.Map;
import java.util.Properties;

/** Turns settings and a login into the URL and properties a driver connects with. */
public final class JdbcTargets {
  private final EngineDialect.TrustStoreFactory trustStores;

  public JdbcTargets(EngineDialect.TrustStoreFactory trustStores) {
    this.trustStores = trustStores;
  }

  public static JdbcTargets withTemporaryTrustStores() {
    return new JdbcTargets(new PemTrustStores());
  }

  public JdbcTarget application(ConnectionSettings settings, Login login) {
    return build(settings, login, false);
  }

  /** The engine's admin database (postgres, master, or none for MySQL), for createDatabase. */
  public JdbcTarget admin(ConnectionSettings settings, Login login) {
    if (login.hasUrl()) {
      throw new ConfigurationException(
          "createDatabase needs host and database fields to find the admin database; with urlFrom, create the database yourself or use credentials");
    }
    return build(settings, login, true);
  }

  private JdbcTarget build(ConnectionSettings settings, Login login, boolean admin) {
    EngineDialect dialect = EngineDialect.of(settings.engine());
    Properties props = new Properties();
    String url;
    if (login.hasUrl()) {
      // The Secret's URL holds address, login, TLS mode and tuning; the driver gets it rebuilt from
      // the checked parts, so that nothing in its text is read by a driver unchecked.
      JdbcUrl parsed = JdbcUrl.parse(settings.engine(), login.jdbcUrl());
      url = parsed.driverUrl(settings.engine());
      props.putAll(dialect.clientDefaults());
      props.putAll(parsed.driverProperties(settings.engine()));
    } else {
      if (settings.host() == null) {
        throw new ConfigurationException("spec.host is missing: name the database server to connect to");
      }
      url = dialect.url(settings, admin);
      props.putAll(dialect.properties(settings, admin, trustStores));
      props.setProperty("user", login.username());
      props.setProperty("password", login.password());
    }
    for (Map.Entry<String, String> p : settings.parameters().entrySet()) {
      props.setProperty(p.getKey(), p.getValue());
    }
    DriverProperties.forceOff(settings.engine(), props);
    return new JdbcTarget(url, props);
  }
}
