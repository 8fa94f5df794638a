package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.EngineDialect;
import io.dbops.schemaoperator.migration.FailureClassifier;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.HistoryMatch;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTarget;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.migration.ResolvedScripts;
import io.dbops.schemaoperator.migration.SchemaHistoryRow;
import io.dbops.schemaoperator.model.Engine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operator's only access to a schema's database: reads of its state and of its drift. Schema
 * changes happen in Jobs, never here.
 *
 * <p>A read first asks the history table for its rows, in one query on a kept connection, and
 * compares them with the scripts' checksums, worked out once per revision. When the rows show every
 * script applied and unchanged (a Ready schema at rest, nearly always) that is the whole read:
 * state and drift verdict both. Otherwise, and for whatever that comparison cannot vouch for,
 * Flyway reads the database as before, so the answer is always Flyway's. Reads of one database run
 * a few at a time ({@link ReadPermits}).
 */
public final class DatabaseReader {
  /** Reads of one database at once. */
  static final int READS_PER_DATABASE = 2;
  /** How long a read waits for its turn before the database counts as not answering. */
  static final Duration TURN_WAIT = Duration.ofSeconds(30);
  /** Scripts whose checksums are kept (about 200 bytes each). */
  static final int RESOLVED_SCRIPTS_KEPT = 50_000;

  /** What one read learned: the state, and the drift verdict when the same read settled it (else null). */
  record Read(MigrationResult state, DriftVerdict drift) {}

  private final JdbcTargets targets;
  private final IdleConnections connections;
  private final ReadPermits permits = new ReadPermits(READS_PER_DATABASE, TURN_WAIT);
  private final ResolvedScriptsCache resolved = new ResolvedScriptsCache(RESOLVED_SCRIPTS_KEPT);

  /** {@code connections}: where reads keep their logins between reads; its owner closes it. */
  public DatabaseReader(JdbcTargets targets, IdleConnections connections) {
    this.targets = targets;
    this.connections = connections;
  }

  /**
   * The database's state as Flyway's info reports it, and with it the drift verdict when the
   * history showed every script applied and unchanged.
   *
   * @param owner the DatabaseConnection read through, as {@link IdleConnections} knows its login's owner
   * @param desiredHash names these scripts and settings: their checksums are worked out once for it
   * @param withChecksums whether pending scripts must carry their checksums (a plan to approve
   *     names them); without, a schema Flyway has never touched is read with one metadata query
   * @throws ConfigurationException when the scripts or the connection settings are invalid
   */
  Read read(String owner, ConnectionSettings connection, Login login, MigrationSettings settings,
      List<Map<String, String>> scripts, String desiredHash, boolean withChecksums) {
    ConnectionSettings reading = readOnly(connection);
    JdbcTarget target = targets.application(reading, login);
    ResolvedScripts expected = resolved.get(desiredHash, () -> ResolvedScripts.of(MigrationScripts.named(scripts)));
    try (ReadPermits.Permit turn = permits.acquire(target.url())) {
      if (!turn.granted()) {
        return new Read(notAnswering(Operation.info), null);
      }
      Optional<MigrationResult> fromHistory = Optional.empty();
      if (expected.checksumsKnown()) {
        try {
          fromHistory = unchanged(owner, reading, target, settings, expected);
        } catch (SQLException e) {
          return new Read(MigrationResult.failed(Operation.info, FailureClassifier.of(reading, login).classify(e)), null);
        }
      }
      if (fromHistory.isPresent()) {
        MigrationResult state = fromHistory.get();
        MigrationResult validation = new MigrationResult(Operation.validate, true, state.currentVersion(), null, List.of(), null,
            List.of(), null);
        return new Read(state, DriftVerdict.of(validation, state.currentVersion(), scripts));
      }
      return new Read(info(owner, reading, target, login, settings, scripts, withChecksums), null);
    }
  }

  /**
   * The state from the history rows alone, when they show every script applied and unchanged.
   * Empty when they do not, or the table is not there (a new schema): Flyway's read answers then.
   *
   * @throws SQLException only when the database could not be reached or refused the login: Flyway
   *     would meet the same, twice as slowly
   */
  private Optional<MigrationResult> unchanged(String owner, ConnectionSettings connection, JdbcTarget target,
      MigrationSettings settings, ResolvedScripts expected) throws SQLException {
    EngineDialect dialect = EngineDialect.of(connection.engine());
    String schema = settings.schemas().isEmpty() ? null : settings.schemas().get(0);
    try {
      List<SchemaHistoryRow> rows = connections.use(owner, target, c -> SchemaHistoryRow.readAll(c, dialect, schema));
      return HistoryMatch.unchanged(expected, settings, rows);
    } catch (SQLException e) {
      if (unreachable(e)) {
        throw e;
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Connection failures (SQLSTATE class 08) and refused logins (28). */
  private static boolean unreachable(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("28"));
  }

  private MigrationResult info(String owner, ConnectionSettings connection, JdbcTarget target, Login login,
      MigrationSettings settings, List<Map<String, String>> scripts, boolean withChecksums) {
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(scripts)) {
      if (!withChecksums) {
        Optional<MigrationResult> untouched = untouched(owner, connection, target, settings, staged);
        if (untouched.isPresent()) {
          return untouched.get();
        }
      }
      return engine(connection, login, settings, staged).info();
    }
  }

  /**
   * A default schema without Flyway's history table has had nothing applied: every script is
   * pending, in Flyway's order, and nothing can have drifted. Learning that takes one metadata
   * query here, where a Flyway read (configuration, plugins, scans, its own queries) is most of the
   * operator's work for a new schema. Only where Flyway would answer the same: target latest and no
   * baseline on migrate. Empty when the table may be there (the name patterns are loose, so a
   * look-alike counts as there) or anything fails: Flyway's read then answers, and classifies the error.
   */
  private Optional<MigrationResult> untouched(String owner, ConnectionSettings connection, JdbcTarget target,
      MigrationSettings settings, MigrationScripts staged) {
    if (!"latest".equals(settings.target()) || settings.baselineOnMigrate() || staged.size() == 0) {
      return Optional.empty();
    }
    String defaultSchema = settings.schemas().isEmpty() ? null : settings.schemas().get(0);
    boolean schemaIsCatalog = connection.engine() == Engine.MYSQL || connection.engine() == Engine.MARIADB;
    try {
      boolean historyThere = connections.use(owner, target, c -> {
        String catalog = schemaIsCatalog ? (defaultSchema == null ? c.getCatalog() : defaultSchema) : c.getCatalog();
        String schema = schemaIsCatalog ? null : (defaultSchema == null ? c.getSchema() : defaultSchema);
        if ((schemaIsCatalog && catalog == null) || (!schemaIsCatalog && schema == null)) {
          return true;
        }
        try (ResultSet tables = c.getMetaData().getTables(catalog, schema, SchemaHistoryRow.TABLE, null)) {
          return tables.next();
        }
      });
      if (historyThere) {
        return Optional.empty();
      }
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(new MigrationResult(Operation.info, true, null, null, staged.asPending(), List.of(), null, null));
  }

  /** Flyway's validation of the applied scripts: for a database whose history differs from the scripts. */
  MigrationResult validate(ConnectionSettings connection, Login login, MigrationSettings settings, List<Map<String, String>> scripts) {
    ConnectionSettings reading = readOnly(connection);
    return inTurn(targets.application(reading, login), Operation.validate, () -> {
      try (MigrationScripts staged = MigrationScripts.fromNamedSources(scripts)) {
        return engine(reading, login, settings, staged).validate();
      }
    });
  }

  private MigrationResult inTurn(JdbcTarget target, Operation operation, Supplier<MigrationResult> read) {
    try (ReadPermits.Permit turn = permits.acquire(target.url())) {
      return turn.granted() ? read.get() : notAnswering(operation);
    }
  }

  /** Reads of this database waited past their turn: it answers too slowly to say anything. */
  private static MigrationResult notAnswering(Operation operation) {
    return MigrationResult.failed(operation, new MigrationFailure(FailureReason.Unreachable, null, null, null,
        "the database did not answer the operator's reads: this one waited " + TURN_WAIT.toSeconds()
            + " s for the " + READS_PER_DATABASE + " before it; retrying", true, null));
  }

  /** Reading never creates anything: the connection controller owns createDatabase. */
  private static ConnectionSettings readOnly(ConnectionSettings connection) {
    return connection.withCreateDatabase(false);
  }

  private MigrationEngine engine(ConnectionSettings connection, Login login, MigrationSettings settings, MigrationScripts scripts) {
    return new MigrationEngine(connection, login, settings, scripts, targets, Progress.silent());
  }
}
