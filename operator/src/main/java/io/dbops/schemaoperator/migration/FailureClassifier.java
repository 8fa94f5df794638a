package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Decides what a failure means: which reason, whether retrying may help, and a message a person
 * can act on. Transient: the server unreachable or restarting, a login timeout, a deadlock or lock
 * timeout. Everything a script or the input got wrong is permanent.
 */
public final class FailureClassifier {
  private static final Set<String> TRANSIENT_STATES =
      Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300", "HYT00", "HYT01");
  private static final Set<String> AUTH_STATES = Set.of("28000", "28P01");
  /** MySQL: 1205 lock wait timeout, 1213 deadlock. SQL Server: 1205 deadlock victim, 1222 lock timeout. */
  private static final Set<Integer> MYSQL_TRANSIENT_CODES = Set.of(1205, 1213);
  private static final Set<Integer> SQLSERVER_TRANSIENT_CODES = Set.of(1205, 1222);
  private static final int MYSQL_ACCESS_DENIED = 1045;
  private static final int MYSQL_UNKNOWN_DATABASE = 1049;
  private static final int SQLSERVER_LOGIN_FAILED = 18456;
  private static final int SQLSERVER_CANNOT_OPEN_DATABASE = 4060;

  private final Engine engine;
  private final String database;
  private final SecretScrubber scrubber;
  /** The TLS mode when the connection verifies the server with a CA from tls.caSecretRef, else null. */
  private final TlsMode verifiedWithCa;

  public FailureClassifier(Engine engine, String database, SecretScrubber scrubber) {
    this(engine, database, scrubber, null);
  }

  private FailureClassifier(Engine engine, String database, SecretScrubber scrubber, TlsMode verifiedWithCa) {
    this.engine = engine;
    this.database = database;
    this.scrubber = scrubber;
    this.verifiedWithCa = verifiedWithCa;
  }

  /** For failures on this connection: its TLS settings decide what a rejected certificate tells the user to change. */
  public static FailureClassifier of(ConnectionSettings connection, Login login) {
    return new FailureClassifier(connection.engine(), connection.database(), SecretScrubber.of(login),
        connection.caCertificate() == null ? null : connection.tlsMode());
  }

  private String tlsAdvice() {
    if (verifiedWithCa == null) {
      return "If the server's certificate is self-signed, set tls.mode: require (encrypts without verifying it)"
          + " or tls.mode: verify-ca with tls.caSecretRef naming its CA; if the server has no TLS, set tls.mode: disable";
    }
    return "The server's certificate was not accepted with the CA in tls.caSecretRef: put the CA that signed it in that Secret"
        + (verifiedWithCa == TlsMode.VERIFY_FULL
            ? ", and make sure spec.host is a name the certificate holds (or verify the CA alone with tls.mode: verify-ca)"
            : "");
  }

  public MigrationFailure classify(Throwable error) {
    if (error instanceof ConfigurationException) {
      return MigrationFailure.configuration(scrubber.scrub(error.getMessage()));
    }
    String version = null;
    String script = null;
    Boolean repairNeeded = null;
    FlywayMigrateException migrate = find(error, FlywayMigrateException.class);
    if (migrate != null && migrate.getMigration() != null) {
      MigrationInfo info = migrate.getMigration();
      version = info.getVersion() == null ? null : info.getVersion().getVersion();
      script = info.getScript();
    }
    SQLException sql = deepestSql(error);
    String sqlState = sql == null ? null : sql.getSQLState();
    int code = sql == null ? 0 : sql.getErrorCode();
    String detail = scrubber.scrub(describe(error, sql));

    if (find(error, SSLException.class) != null || mentionsTlsProblem(error)) {
      return new MigrationFailure(FailureReason.TlsFailed, version, script, sqlState, "TLS failed: " + detail + ". " + tlsAdvice(),
          false, null);
    }
    if (isAuthentication(sqlState, code) || refusedForNoPassword(error)) {
      return new MigrationFailure(FailureReason.AuthenticationFailed, version, script, sqlState,
          "login failed: " + detail.replaceAll("[.\\s]+$", "") + ". Check the username and password in the credentials Secret",
          false, null);
    }
    if (isDatabaseMissing(sqlState, code)) {
      return new MigrationFailure(FailureReason.DatabaseMissing, version, script, sqlState,
          "database " + database + " does not exist: create it, or set createDatabase: true", false, null);
    }
    if (isUnreachable(error, sqlState)) {
      return new MigrationFailure(FailureReason.Unreachable, version, script, sqlState,
          "cannot reach the database: " + detail, true, null);
    }
    if (isLockOrDeadlock(sql, sqlState, code)) {
      return new MigrationFailure(FailureReason.LockTimeout, version, script, sqlState,
          "a lock stopped the migration: " + detail, true, null);
    }
    if (detail.contains("but no schema history table")) {
      return MigrationFailure.configuration(detail.replaceAll("[.\\s]+$", "") + ". To adopt an existing database, set spec.baseline.onMigrate: true"
          + " and spec.baseline.version to the version its current schema corresponds to");
    }
    if (error instanceof FlywayValidateException || find(error, FlywayValidateException.class) != null) {
      return new MigrationFailure(FailureReason.ValidationFailed, version, script, sqlState, detail, false, null);
    }
    if (migrate != null && detail.contains("both transactional and non-transactional migrations")) {
      // Flyway refuses such a group before running any of it: nothing to undo, nothing to repair.
      return new MigrationFailure(FailureReason.MigrationFailed, version, script, null, "spec.transaction All runs the pending"
          + " scripts in one transaction, and " + (script == null ? "one of them" : script) + " must run outside a transaction"
          + " (e.g. CREATE INDEX CONCURRENTLY). Nothing was applied: apply it in a run of its own with transaction PerScript,"
          + " or make it transactional", false, null);
    }
    if (migrate != null) {
      String message = detail;
      if (!migrate.isExecutableInTransaction() || !engineRollsBackDdl()) {
        repairNeeded = true;
        message += ". " + engine.wireName() + " cannot roll back DDL: statements of " + (script == null ? "this script" : script)
            + " before the failing one may have been applied. Undo them by hand, fix the script, then run repair"
            + " (annotation dbops.io/repair)";
      }
      return new MigrationFailure(FailureReason.MigrationFailed, version, script, sqlState, message, false, repairNeeded);
    }
    if (sql != null) {
      return new MigrationFailure(FailureReason.MigrationFailed, version, script, sqlState, detail, false, null);
    }
    return new MigrationFailure(FailureReason.Unexpected, version, script, null, detail, false, null);
  }

  private boolean engineRollsBackDdl() {
    return engine == Engine.POSTGRES || engine == Engine.SQLSERVER;
  }

  private static boolean isAuthentication(String sqlState, int code) {
    return (sqlState != null && AUTH_STATES.contains(sqlState))
        || code == MYSQL_ACCESS_DENIED
        || code == SQLSERVER_LOGIN_FAILED;
  }

  /**
   * pgjdbc refuses to answer a password challenge with an empty password itself, with state 08004
   * (connection rejected): read as unreachable, an empty password in the Secret would be retried
   * for ever with "cannot reach the database".
   */
  private static boolean refusedForNoPassword(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.contains("authentication, but") && (m.contains("no password was provided") || m.contains("password is an empty string"))) {
        return true;
      }
    }
    return false;
  }

  private boolean isDatabaseMissing(String sqlState, int code) {
    return "3D000".equals(sqlState)
        || ((engine == Engine.MYSQL || engine == Engine.MARIADB) && code == MYSQL_UNKNOWN_DATABASE)
        || (engine == Engine.SQLSERVER && code == SQLSERVER_CANNOT_OPEN_DATABASE);
  }

  private static boolean isUnreachable(Throwable error, String sqlState) {
    return (sqlState != null && sqlState.startsWith("08"))
        || find(error, ConnectException.class) != null
        || find(error, NoRouteToHostException.class) != null
        || find(error, UnknownHostException.class) != null
        || find(error, SocketTimeoutException.class) != null
        || find(error, SocketException.class) != null
        || find(error, SQLRecoverableException.class) != null
        || find(error, java.sql.SQLTimeoutException.class) != null && sqlState == null;
  }

  private boolean isLockOrDeadlock(SQLException sql, String sqlState, int code) {
    if (sqlState != null && TRANSIENT_STATES.contains(sqlState)) {
      return true;
    }
    if ((engine == Engine.MYSQL || engine == Engine.MARIADB) && MYSQL_TRANSIENT_CODES.contains(code)) {
      return true;
    }
    if (engine == Engine.SQLSERVER && SQLSERVER_TRANSIENT_CODES.contains(code)) {
      return true;
    }
    return sql instanceof SQLTransientException && !(sql instanceof java.sql.SQLTimeoutException);
  }

  /**
   * A rejected certificate, or TLS asked for by tls.mode but not offered by the server. Drivers report
   * the latter without an SSLException and with an 08 state, which would otherwise read as unreachable.
   */
  private static boolean mentionsTlsProblem(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("PKIX path") || m.contains("certificate verify failed")
          || m.contains("unable to find valid certification path") || m.contains("self-signed certificate")
          || m.contains("self signed certificate")
          // pgjdbc: "The server does not support SSL."
          || m.contains("does not support SSL")
          // mssql-jdbc: "... The application requested encryption but the server is not configured to support SSL."
          || m.contains("not configured to support SSL")
          // mysql-connector-j: "SSL Connection required, but not provided by server."
          || m.contains("SSL Connection required, but not provided by server")
          // A certificate for other names: pgjdbc "The hostname h could not be verified by hostnameverifier ...",
          // mysql-connector-j "The certificate Common Name 'x' does not match with 'h'."
          || m.contains("could not be verified by hostnameverifier")
          || m.contains("does not match with"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The driver's own words, without Flyway's multi-line banner around them. */
  private static String describe(Throwable error, SQLException sql) {
    String message;
    if (sql != null && sql.getMessage() != null) {
      message = sql.getMessage();
    } else {
      Throwable root = error;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      message = error.getMessage() != null ? error.getMessage() : root.toString();
    }
    // Flyway appends links to its vendor's documentation; status messages have no room for them.
    return message.replaceAll("(?i)\\s*(Learn more|Need help|More info)[^\\n]*https?://\\S+", "")
        .replaceAll("https?://(documentation\\.)?red-?gate\\S*", "")
        .replaceAll("\\s*\\R\\s*", " ")
        .trim();
  }

  private static SQLException deepestSql(Throwable error) {
    SQLException found = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        found = s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return found;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
