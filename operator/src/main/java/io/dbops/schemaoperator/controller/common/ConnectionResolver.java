package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;

/**
 * The one way from a DatabaseConnection's spec to what a database client needs: its settings, the
 * CA written where the drivers read it, and its login, all from Secrets in the connection's own
 * namespace. The connection controller's probe, the schema controller's reads and the local
 * commands resolve connections here; a migration Job is given the same Secret keys as references
 * ({@link io.dbops.schemaoperator.model.ConnectionSecretRefs}), never their values.
 */
public final class ConnectionResolver {
  private final CaFiles caFiles;

  public ConnectionResolver(CaFiles caFiles) {
    this.caFiles = caFiles;
  }

  /** Settings and login, ready to connect. */
  public record Resolved(ConnectionSettings settings, Login login) {}

  /** Settings and login; or why not, with a reason status can carry (a bad spec is ConfigurationInvalid). */
  public Lookup<Resolved> resolve(DatabaseConnectionSpec spec, SecretReader secrets) {
    Lookup<Login> login = secrets.login(spec);
    if (!login.found()) {
      return login.absent();
    }
    Lookup<ConnectionSettings> settings = settings(spec, secrets);
    return settings.found() ? Lookup.of(new Resolved(settings.value(), login.value())) : settings.absent();
  }

  /** The settings alone, the CA included: for callers that bring their own login. */
  public Lookup<ConnectionSettings> settings(DatabaseConnectionSpec spec, SecretReader secrets) {
    Lookup<String> ca = secrets.caCertificate(spec);
    if (!ca.found()) {
      return ca.absent();
    }
    try {
      return Lookup.of(ConnectionSettings.from(spec, caFiles.write(ca.value())));
    } catch (ConfigurationException e) {
      return Lookup.missing(FailureReason.ConfigurationInvalid.name(), e.getMessage());
    }
  }
}
