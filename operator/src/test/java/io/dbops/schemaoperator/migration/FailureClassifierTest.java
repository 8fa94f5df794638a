package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.microsoft.sqlserver.jdbc.SQLServerError;
import com.microsoft.sqlserver.jdbc.SQLServerException;
import com.mysql.cj.exceptions.UnableToConnectException;
import com.mysql.cj.jdbc.exceptions.SQLError;
import com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import java.io.EOFException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Failures as the three drivers really raise them, and what status, events and the exit code make of
 * them. SQL Server's come from the real mssql-jdbc driver talking to {@link FakeSqlServer} where a
 * connection can produce them, and otherwise are built the way the driver builds them from a
 * server's ERROR token.
 */
class FailureClassifierTest {
  private static final Login LOGIN = Login.of("app_user", "s3cr3t pa55");

  @TempDir static Path certificates;
  static TestCertificates.Identity selfSigned;

  @BeforeAll
  static void makeCertificate() {
    // What SQL Server in Docker presents: a certificate it generated for itself, which nobody's CA signed.
    selfSigned = TestCertificates.selfSigned(certificates, "dns:localhost", "ip:127.0.0.1");
  }

  private static MigrationFailure classify(Engine engine, Throwable error) {
    return new FailureClassifier(engine, "app", SecretScrubber.of(LOGIN)).classify(error);
  }

  private static int exitCode(MigrationFailure failure) {
    return MigrationResult.failed(MigrationResult.Operation.migrate, failure).exitCode();
  }

  // --- SQL Server, from the real driver ----------------------------------------------------------

  @Test
  void theSelfSignedCertificateErrorFromTheSeedsIsATlsFailureWhoseMessageNamesTlsMode() throws Exception {
    SQLException error;
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned)) {
      // A plain connection as in the seeds: driver 10+ encrypts and verifies by default.
      Properties p = new Properties();
      p.setProperty("user", "sa");
      p.setProperty("password", "s3cr3t pa55");
      error = (SQLException) catchThrowable(() -> new JdbcTarget("jdbc:sqlserver://localhost:" + server.port(), p).connect());
    }
    assertThat((Throwable) error).isInstanceOf(SQLServerException.class).hasCauseInstanceOf(SSLHandshakeException.class);
    assertThat(error.getMessage()).contains("PKIX path building failed")
        .contains("unable to find valid certification path to requested target");

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(exitCode(failure)).isEqualTo(1);
    assertThat(failure.sqlState()).isEqualTo("08S01");
    assertThat(failure.message())
        .startsWith("TLS failed: ")
        .contains("unable to find valid certification path")
        .contains("set tls.mode: require")
        .contains("tls.mode: verify-ca with tls.caSecretRef")
        .doesNotContain("\n");
  }

  @Test
  void theSameFailureBuiltAsOlderDriversWordedItIsClassifiedTheSame() throws Exception {
    // mssql-jdbc's TDSChannel.enableSSL ends in SQLServerConnection.terminate, which uses a
    // package-private constructor: reached here by reflection. The wording is that of drivers 10-12.
    SSLHandshakeException handshake = new SSLHandshakeException(
        "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException:"
            + " unable to find valid certification path to requested target");
    handshake.initCause(new CertificateException(handshake.getMessage(),
        new CertPathBuilderException("unable to find valid certification path to requested target")));
    SQLServerException error = driverError(
        "The driver could not establish a secure connection to SQL Server by using Secure Sockets Layer (SSL)"
            + " encryption. Error: \"PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException:"
            + " unable to find valid certification path to requested target\". ClientConnectionId:3c2a5a2e-1f4e-4bd5-9d62-6c0e4a8f5d11",
        "08S01", handshake);

    MigrationFailure failure = classify(Engine.SQLSERVER, new FlywaySqlException("Unable to obtain connection from database", error));

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.message()).contains("tls.mode");
  }

  @Test
  void verifyFullAgainstAServerTheCaDidNotSignIsATlsFailure() throws Exception {
    TestCertificates.Identity otherCa = TestCertificates.selfSigned(certificates, "dns:localhost");
    SQLException error;
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned)) {
      ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "localhost", server.port(), "app",
          TlsMode.VERIFY_FULL, otherCa.pem(), Map.of(), false);
      error = (SQLException) catchThrowable(() -> JdbcTargets.withTemporaryTrustStores().application(s, LOGIN).connect());
    }

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).isFalse();
  }

  @Test
  void askingForTlsFromAServerWithoutItIsATlsFailureNotAnOutage() throws Exception {
    SQLException error;
    try (FakeSqlServer server = FakeSqlServer.withoutTls()) {
      error = (SQLException) catchThrowable(() -> connect(server.port(), TlsMode.REQUIRE));
    }
    assertThat(error.getMessage()).contains("the server is not configured to support SSL");
    assertThat(error.getSQLState()).startsWith("08");

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).as("retrying cannot give the server a certificate").isFalse();
    assertThat(failure.message()).contains("set tls.mode: disable");
  }

  @Test
  void loginFailed18456IsAnAuthenticationFailure() throws Exception {
    SQLException error;
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned,
        new FakeSqlServer.ServerError(18456, 1, 14, "Login failed for user 'app_user'."))) {
      error = (SQLException) catchThrowable(() -> connect(server.port(), TlsMode.REQUIRE));
    }
    assertThat((Throwable) error).isInstanceOf(SQLServerException.class);
    assertThat(error.getErrorCode()).isEqualTo(18456);
    assertThat(error.getSQLState()).isEqualTo("S0001");

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.AuthenticationFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.sqlState()).isEqualTo("S0001");
    assertThat(failure.message())
        .startsWith("login failed: Login failed for user 'app_user'.")
        .endsWith("Check the username and password in the credentials Secret")
        .doesNotContain("s3cr3t");
  }

  @Test
  void cannotOpenDatabase4060IsAMissingDatabaseThatSuggestsCreateDatabase() throws Exception {
    SQLException error;
    // SQL Server sends 4060 and then 18456 for the same login; the driver raises the first.
    try (FakeSqlServer server = FakeSqlServer.withCertificate(selfSigned,
        new FakeSqlServer.ServerError(4060, 1, 11, "Cannot open database \"app\" requested by the login. The login failed."),
        new FakeSqlServer.ServerError(18456, 1, 14, "Login failed for user 'app_user'."))) {
      error = (SQLException) catchThrowable(() -> connect(server.port(), TlsMode.REQUIRE));
    }
    assertThat(error.getErrorCode()).isEqualTo(4060);
    assertThat(error.getNextException().getErrorCode()).isEqualTo(18456);

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.DatabaseMissing);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.message()).isEqualTo("database app does not exist: create it, or set createDatabase: true");
  }

  @Test
  void nothingListeningIsUnreachableAndWorthRetrying() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    SQLException error = (SQLException) catchThrowable(() -> connect(port, TlsMode.REQUIRE));
    assertThat((Throwable) error).isInstanceOf(SQLServerException.class);
    assertThat(error.getMessage()).contains("The TCP/IP connection to the host localhost, port " + port + " has failed");

    MigrationFailure failure = classify(Engine.SQLSERVER, error);

    assertThat(failure.reason()).isEqualTo(FailureReason.Unreachable);
    assertThat(failure.transientError()).isTrue();
    assertThat(exitCode(failure)).isEqualTo(2);
  }

  private static void connect(int port, TlsMode mode) throws SQLException {
    ConnectionSettings s = new ConnectionSettings(Engine.SQLSERVER, "localhost", port, "app", mode, null, Map.of(), false);
    JdbcTargets.withTemporaryTrustStores().application(s, LOGIN).connect();
  }

  // --- SQL Server, built as the driver builds them from the server's ERROR token -----------------

  @Test
  void aDeadlockVictim1205IsTransient() throws Exception {
    SQLServerException deadlock = serverError(1205, 51, 13, "Transaction (Process ID 57) was deadlocked on lock"
        + " resources with another process and has been chosen as the deadlock victim. Rerun the transaction.");
    assertThat(deadlock.getSQLState()).isEqualTo("40001");

    MigrationFailure failure = classify(Engine.SQLSERVER, new FlywaySqlException("Migration failed", deadlock));

    assertThat(failure.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(failure.transientError()).isTrue();
    assertThat(exitCode(failure)).isEqualTo(2);
    assertThat(failure.message()).startsWith("a lock stopped the migration: Transaction (Process ID 57) was deadlocked");
  }

  @Test
  void aLockTimeout1222IsTransient() throws Exception {
    // What SET LOCK_TIMEOUT (the engine's initSql) ends in when a table stays locked.
    SQLServerException timeout = serverError(1222, 56, 16, "Lock request time out period exceeded.");
    assertThat(timeout.getSQLState()).isEqualTo("S0056");

    MigrationFailure failure = classify(Engine.SQLSERVER, timeout);

    assertThat(failure.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(failure.transientError()).isTrue();
  }

  @Test
  void anObjectThatAlreadyExistsIsAPermanentScriptFailure() throws Exception {
    SQLServerException exists = serverError(2714, 6, 16, "There is already an object named 'users' in the database.");

    MigrationFailure failure = classify(Engine.SQLSERVER, exists);

    assertThat(failure.reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.sqlState()).isEqualTo("S0001");
  }

  @Test
  void sqlServerErrorNumbersOnlyMeanSomethingForSqlServer() {
    SQLException code1222 = new SQLException("some other engine's error 1222", "HY000", 1222);
    SQLException code4060 = new SQLException("some other engine's error 4060", "HY000", 4060);

    assertThat(classify(Engine.POSTGRES, code1222).transientError()).isFalse();
    assertThat(classify(Engine.MYSQL, code4060).reason()).isEqualTo(FailureReason.MigrationFailed);
  }

  /**
   * A database error as mssql-jdbc raises it: SQLServerException's public constructor from a
   * SQLServerError. SQLServerError's constructor and its errorState are package-private, so they are
   * set by reflection; the driver fills them from the TDS ERROR token.
   */
  private static SQLServerException serverError(int number, int state, int severity, String message) throws Exception {
    Constructor<SQLServerError> constructor = SQLServerError.class.getDeclaredConstructor();
    constructor.setAccessible(true);
    SQLServerError error = constructor.newInstance();
    error.setErrorNumber(number);
    error.setErrorSeverity(severity);
    error.setErrorMessage(message);
    Field errorState = SQLServerError.class.getDeclaredField("errorState");
    errorState.setAccessible(true);
    errorState.setInt(error, state);
    return new SQLServerException(error);
  }

  /** A driver-detected error as SQLServerConnection.terminate builds it (package-private constructor). */
  private static SQLServerException driverError(String message, String state, Throwable cause) throws Exception {
    Constructor<SQLServerException> constructor = SQLServerException.class.getDeclaredConstructor(
        Object.class, String.class, String.class, int.class, boolean.class);
    constructor.setAccessible(true);
    SQLServerException e = constructor.newInstance(null, message, state, 0, true);
    e.initCause(cause);
    return e;
  }

  // --- PostgreSQL, as pgjdbc raises them -----------------------------------------------------------

  /** pgjdbc's exception for an ErrorResponse: the server's fields, NUL-separated, as they come off the wire. */
  private static PSQLException postgres(String sqlState, String message) {
    return new PSQLException(new ServerErrorMessage("SERROR\0VERROR\0C" + sqlState + "\0M" + message + "\0"));
  }

  @Test
  void postgresCannotConnect08001IsUnreachableAndTransient() {
    PSQLException refused = new PSQLException("Connection to db.prod.svc:5432 refused. Check that the hostname and port"
        + " are correct and that the postmaster is accepting TCP/IP connections.", PSQLState.CONNECTION_UNABLE_TO_CONNECT,
        new ConnectException("Connection refused"));

    MigrationFailure failure = classify(Engine.POSTGRES, refused);

    assertThat(failure.sqlState()).isEqualTo("08001");
    assertThat(failure.reason()).isEqualTo(FailureReason.Unreachable);
    assertThat(failure.transientError()).isTrue();
    assertThat(failure.message()).startsWith("cannot reach the database: Connection to db.prod.svc:5432 refused.");
  }

  @Test
  void postgresConnectionLost08006IsUnreachableAndTransient() {
    PSQLException lost = new PSQLException("An I/O error occurred while sending to the backend.",
        PSQLState.CONNECTION_FAILURE, new EOFException());

    MigrationFailure failure = classify(Engine.POSTGRES, lost);

    assertThat(failure.sqlState()).isEqualTo("08006");
    assertThat(failure.reason()).isEqualTo(FailureReason.Unreachable);
    assertThat(failure.transientError()).isTrue();
  }

  @Test
  void postgresDeadlock40P01IsTransient() {
    MigrationFailure failure = classify(Engine.POSTGRES, new FlywaySqlException("Migration V3__orders.sql failed",
        postgres("40P01", "deadlock detected")));

    assertThat(failure.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(failure.transientError()).isTrue();
    assertThat(failure.sqlState()).isEqualTo("40P01");
  }

  @Test
  void postgresLockNotAvailable55P03IsTransient() {
    MigrationFailure failure = classify(Engine.POSTGRES, postgres("55P03", "canceling statement due to lock timeout"));

    assertThat(failure.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(failure.transientError()).isTrue();
  }

  @Test
  void postgresDuplicateTable42P07IsAPermanentScriptFailure() {
    MigrationFailure failure = classify(Engine.POSTGRES, postgres("42P07", "relation \"users\" already exists"));

    assertThat(failure.reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.sqlState()).isEqualTo("42P07");
    assertThat(failure.message()).contains("relation \"users\" already exists");
    assertThat(exitCode(failure)).isEqualTo(1);
  }

  @Test
  void postgresBadPassword28P01IsAnAuthenticationFailureWithThePasswordScrubbed() {
    // Not something PostgreSQL says, but a driver or a proxy may echo what it was given.
    MigrationFailure failure = classify(Engine.POSTGRES,
        postgres("28P01", "password authentication failed for user \"app_user\" (given: s3cr3t pa55)"));

    assertThat(failure.reason()).isEqualTo(FailureReason.AuthenticationFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.message()).contains("password authentication failed").doesNotContain("s3cr3t");
  }

  @Test
  void anEmptyPasswordThatPgjdbcWillNotSendIsAnAuthenticationFailureNotAnOutage() {
    // pgjdbc's own words for a password challenge it cannot answer, with state 08004 (connection rejected).
    PSQLException scram = new PSQLException("The server requested SCRAM-based authentication, but the password is an empty string.",
        PSQLState.CONNECTION_REJECTED);
    PSQLException md5 = new PSQLException("The server requested password-based authentication, but no password was provided"
        + " by plugin null", PSQLState.CONNECTION_REJECTED);

    for (PSQLException refused : new PSQLException[] {scram, md5}) {
      MigrationFailure failure = classify(Engine.POSTGRES, new FlywaySqlException("Unable to obtain connection from database", refused));
      assertThat(failure.reason()).isEqualTo(FailureReason.AuthenticationFailed);
      assertThat(failure.transientError()).isFalse();
      assertThat(failure.message()).contains("Check the username and password in the credentials Secret").doesNotContain("..");
    }
  }

  @Test
  void postgresMissingDatabase3D000SuggestsCreateDatabase() {
    MigrationFailure failure = classify(Engine.POSTGRES, postgres("3D000", "database \"app\" does not exist"));

    assertThat(failure.reason()).isEqualTo(FailureReason.DatabaseMissing);
    assertThat(failure.message()).contains("createDatabase: true");
  }

  @Test
  void postgresWithoutSslWhileTlsModeAsksForItIsATlsFailure() {
    PSQLException noSsl = new PSQLException("The server does not support SSL.", PSQLState.CONNECTION_REJECTED);

    MigrationFailure failure = classify(Engine.POSTGRES, noSsl);

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).isFalse();
    assertThat(failure.message()).contains("tls.mode: disable");
  }

  @Test
  void aConnectExceptionUnderneathIsUnreachableEvenWithoutAnSqlState() {
    SQLException noState = new SQLException("Unable to obtain connection", (String) null, new ConnectException("Connection refused"));
    RuntimeException wrapped = new RuntimeException("probe failed", new UnknownHostException("db.prod.svc"));

    assertThat(classify(Engine.POSTGRES, noState).reason()).isEqualTo(FailureReason.Unreachable);
    assertThat(classify(Engine.POSTGRES, noState).transientError()).isTrue();
    assertThat(classify(Engine.SQLSERVER, wrapped).reason()).isEqualTo(FailureReason.Unreachable);
    assertThat(classify(Engine.SQLSERVER, wrapped).transientError()).isTrue();
  }

  // --- MySQL / MariaDB, as Connector/J raises them -----------------------------------------------

  /** Connector/J's factory for server errors: it picks the SQLException subclass from the state. */
  private static SQLException mysql(String state, int code, String message) {
    return SQLError.createSQLException(message, state, code, null);
  }

  @Test
  void mysqlServerErrorsAreClassifiedByTheirCodes() {
    assertThat(classify(Engine.MYSQL, mysql("28000", 1045, "Access denied for user 'app_user'@'10.0.0.5' (using password: YES)")).reason())
        .isEqualTo(FailureReason.AuthenticationFailed);
    assertThat(classify(Engine.MARIADB, mysql("42000", 1049, "Unknown database 'app'")).reason())
        .isEqualTo(FailureReason.DatabaseMissing);

    MigrationFailure deadlock = classify(Engine.MYSQL,
        mysql("40001", 1213, "Deadlock found when trying to get lock; try restarting transaction"));
    assertThat(deadlock.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(deadlock.transientError()).isTrue();

    MigrationFailure lockWait = classify(Engine.MARIADB,
        mysql("HY000", 1205, "Lock wait timeout exceeded; try restarting transaction"));
    assertThat(lockWait.reason()).isEqualTo(FailureReason.LockTimeout);
    assertThat(lockWait.transientError()).isTrue();

    MigrationFailure exists = classify(Engine.MYSQL, mysql("42S01", 1050, "Table 'users' already exists"));
    assertThat(exists.reason()).isEqualTo(FailureReason.MigrationFailed);
    assertThat(exists.transientError()).isFalse();
  }

  @Test
  void mysqlWithoutSslWhileTlsModeAsksForItIsATlsFailure() {
    SQLException noSsl = SQLExceptionsMapping.translateException(
        new UnableToConnectException("SSL Connection required, but not provided by server."));
    assertThat(noSsl.getSQLState()).isEqualTo("08001");

    MigrationFailure failure = classify(Engine.MYSQL, noSsl);

    assertThat(failure.reason()).isEqualTo(FailureReason.TlsFailed);
    assertThat(failure.transientError()).isFalse();
  }

  // --- our own refusals --------------------------------------------------------------------------

  @Test
  void aConfigurationProblemIsExitCode3AndNeverRetried() {
    MigrationFailure failure = classify(Engine.SQLSERVER,
        new ConfigurationException("spec.parameters: parameter 'encrypt' is set by the operator"));

    assertThat(failure.reason()).isEqualTo(FailureReason.ConfigurationInvalid);
    assertThat(failure.transientError()).isFalse();
    assertThat(exitCode(failure)).isEqualTo(3);
  }

  @Test
  void aMessageOverSeveralLinesBecomesOneLine() {
    SQLException multiLine = new SQLException("Incorrect syntax near 'TABEL'.\n  at line 3\r\n  in V2__x.sql", "S0001", 102);

    assertThat(classify(Engine.SQLSERVER, multiLine).message())
        .isEqualTo("Incorrect syntax near 'TABEL'. at line 3 in V2__x.sql");
  }
}
