package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Drift;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Runs Flyway for one schema against one database: migrate, info, validate, repair. The Job and the
 * local commands both come through here. No operation throws: each returns a {@link
 * MigrationResult}, failures classified and scrubbed.
 */
public final class MigrationEngine {
  /** Status keeps the last 20 history rows; the result carries no more. */
  public static final int HISTORY_LIMIT = 20;

  private final ConnectionSettings connection;
  private final Login login;
  private final MigrationSettings settings;
  private final MigrationScripts scripts;
  private final JdbcTargets targets;
  private final Progress progress;
  private final FailureClassifier classifier;

  public MigrationEngine(
      ConnectionSettings connection,
      Login login,
      MigrationSettings settings,
      MigrationScripts scripts,
      JdbcTargets targets,
      Progress progress) {
    this.connection = connection;
    this.login = login;
    this.settings = settings;
    this.scripts = scripts;
    this.targets = targets;
    this.progress = progress;
    this.classifier = FailureClassifier.of(connection, login);
  }

  public MigrationResult migrate() {
    return run(Operation.migrate, () -> {
      createDatabaseIfAsked();
      Flyway flyway = flyway();
      progress.line("migrating " + describeTarget() + " with " + scripts.size() + " scripts");
      MigrateResult outcome;
      try {
        outcome = flyway.migrate();
      } catch (FlywayException e) {
        return failedMigrate(flyway, e);
      }
      MigrationInfoService after = flyway.info();
      List<AppliedScript> applied = appliedThisRun(outcome, after);
      progress.line(applied.isEmpty()
          ? "nothing to apply: database is at version " + currentVersion(after)
          : "applied " + applied.size() + " scripts: database is now at version " + currentVersion(after));
      // The history rides along (the compact result drops it first when space runs out): with it the
      // operator can report the run without reading the database again.
      return new MigrationResult(Operation.migrate, true, currentVersion(after), applied, pending(after), history(after),
          null, null);
    });
  }

  /**
   * A failed run still says what it did: which scripts committed before the failure, the version
   * the database is at now with its history, and for drift which script no longer matches. Reading that is
   * best-effort: when the database is gone, the failure alone is the answer.
   */
  private MigrationResult failedMigrate(Flyway flyway, FlywayException error) {
    MigrationFailure failure = classifier.classify(error);
    List<AppliedScript> applied = List.of();
    String current = null;
    List<PendingScript> pending = List.of();
    List<AppliedScript> history = null;
    try {
      MigrationInfoService after = flyway.info();
      current = currentVersion(after);
      pending = pending(after);
      history = history(after);
      if (error instanceof FlywayMigrateException migrate && migrate.getErrorResult() != null) {
        applied = appliedThisRun(migrate.getErrorResult(), after);
      }
      if (failure.reason() == FailureReason.ValidationFailed && failure.script() == null) {
        failure = withFirstDrift(flyway.validateWithResult(), failure);
      }
    } catch (FlywayException | LinkageError ignored) {
      // The failure already says why; the database cannot tell us more right now.
    }
    progress.line("migrate failed (" + failure.reason() + (failure.transientError() ? ", transient" : "") + "): "
        + failure.message());
    // The history too: after a failure it is what someone debugging looks at first.
    return new MigrationResult(Operation.migrate, false, current, applied, pending, history, null, failure);
  }

  private static MigrationFailure withFirstDrift(ValidateResult result, MigrationFailure failure) {
    for (ValidateOutput invalid : result.invalidMigrations) {
      if (invalid.errorDetails != null && invalid.errorDetails.errorMessage != null
          && !invalid.errorDetails.errorMessage.contains("not applied")) {
        return new MigrationFailure(failure.reason(), invalid.version, scriptName(invalid.filepath), failure.sqlState(),
            failure.message(), failure.transientError(), failure.repairNeeded());
      }
    }
    return failure;
  }

  public MigrationResult info() {
    return run(Operation.info, () -> {
      MigrationInfoService info = flyway().info();
      MigrationFailure outOfOrder = outOfOrder(info);
      return new MigrationResult(Operation.info, outOfOrder == null, currentVersion(info), null, pending(info), history(info), null,
          outOfOrder);
    });
  }

  /**
   * A script below the newest applied version that was never applied, with outOfOrder off: Flyway's
   * info lists it as neither applied nor pending, so the database would read as up to date while the
   * script is never run, and the next migrate would refuse it in validation. Said before that.
   */
  private MigrationFailure outOfOrder(MigrationInfoService info) {
    List<MigrationInfo> ignored = new ArrayList<>();
    for (MigrationInfo m : info.all()) {
      if (m.getState() == MigrationState.IGNORED) {
        ignored.add(m);
      }
    }
    if (ignored.isEmpty()) {
      return null;
    }
    MigrationInfo first = ignored.get(0);
    String current = currentVersion(info);
    return new MigrationFailure(FailureReason.ScriptOutOfOrder, versionOf(first), first.getScript(), null,
        first.getScript() + " (version " + versionOf(first) + ") is below the database's version " + current
            + " and was never applied" + (ignored.size() == 1 ? "" : " (and " + (ignored.size() - 1) + " more such scripts)")
            + ": with spec.outOfOrder false no script below the newest applied one runs. Give it a version above " + current
            + ", or set spec.outOfOrder: true to apply it out of order", false, null);
  }

  /** Checks applied scripts against the given ones; drift is reported, never repaired. */
  public MigrationResult validate() {
    return run(Operation.validate, () -> {
      Flyway flyway = flyway();
      ValidateResult result = flyway.validateWithResult();
      MigrationInfoService info = flyway.info();
      List<Drift> drift = new ArrayList<>();
      for (ValidateOutput invalid : result.invalidMigrations) {
        String message = invalid.errorDetails == null ? "invalid" : invalid.errorDetails.errorMessage;
        drift.add(new Drift(invalid.version, scriptName(invalid.filepath), oneLine(message)));
      }
      // Pending scripts are not drift: validate only judges what was already applied.
      drift.removeIf(d -> d.message() != null && d.message().contains("not applied"));
      MigrationFailure failure = drift.isEmpty()
          ? null
          : new MigrationFailure(FailureReason.ValidationFailed, drift.get(0).version(), drift.get(0).script(), null,
              drift.size() + " applied script(s) differ from the database's history: " + drift.get(0).message(), false, null);
      return new MigrationResult(Operation.validate, drift.isEmpty(), currentVersion(info), null, pending(info),
          null, drift, failure);
    });
  }

  /** Removes failed rows and realigns checksums, after a person has fixed what a failure left behind. */
  public MigrationResult repair() {
    return run(Operation.repair, () -> {
      Flyway flyway = flyway();
      flyway.repair();
      MigrationInfoService info = flyway.info();
      progress.line("repaired the schema history: database is at version " + currentVersion(info));
      return new MigrationResult(Operation.repair, true, currentVersion(info), null, pending(info), null, null, null);
    });
  }

  /**
   * deletionPolicy Drop: drops the schemas this resource manages, history table included. It
   * refuses the engines' own and default schemas, and a MySQL/MariaDB connection's own database,
   * because those hold more than one resource's objects.
   */
  public MigrationResult drop() {
    return run(Operation.drop, () -> {
      List<String> schemas = settings.schemas();
      if (schemas.isEmpty()) {
        throw new ConfigurationException("deletionPolicy Drop needs spec.schemas: without them the managed objects live in the"
            + " default schema, which the operator never drops");
      }
      EngineDialect dialect = EngineDialect.of(connection.engine());
      for (String schema : schemas) {
        String refusal = dialect.dropRefusal(schema, connection.database());
        if (refusal != null) {
          throw new ConfigurationException(refusal);
        }
      }
      try (java.sql.Connection c = targets.application(connection, login).connect(); java.sql.Statement st = c.createStatement()) {
        for (String schema : schemas) {
          st.execute(dialect.dropSchemaSql(schema));
          progress.line("dropped schema " + schema);
        }
      }
      return new MigrationResult(Operation.drop, true, null, null, null, null, null, null);
    });
  }

  private interface Step {
    MigrationResult run() throws Exception;
  }

  private MigrationResult run(Operation operation, Step step) {
    try {
      return step.run();
    } catch (Exception | LinkageError e) {
      MigrationFailure failure = classifier.classify(e);
      progress.line(operation + " failed (" + failure.reason() + (failure.transientError() ? ", transient" : "") + "): "
          + failure.message());
      return MigrationResult.failed(operation, failure);
    }
  }

  private void createDatabaseIfAsked() throws java.sql.SQLException {
    if (connection.createDatabase() && new DatabaseCreator(targets).ensureExists(connection, login)) {
      progress.line("created database " + connection.database());
    }
  }

  Flyway flyway() {
    String refusal = settings.refusalOn(connection.engine());
    if (refusal != null) {
      throw new ConfigurationException(refusal);
    }
    JdbcTarget target = targets.application(connection, login);
    FluentConfiguration config = Flyway.configure()
        .dataSource(new DriverDataSource(target))
        .locations("filesystem:" + scripts.directory())
        .failOnMissingLocations(true)
        .target(settings.target())
        .placeholders(settings.placeholders())
        .baselineOnMigrate(settings.baselineOnMigrate())
        .baselineVersion(settings.baselineVersion())
        .outOfOrder(settings.outOfOrder())
        .validateOnMigrate(true)
        .validateMigrationNaming(true)
        .cleanDisabled(true)
        // transaction All: Flyway's group mode, one transaction for every pending script and, on a
        // second connection, one for their history rows; a failure rolls both back. Scripts Flyway must
        // run outside a transaction (CREATE INDEX CONCURRENTLY) make such a run fail before it starts
        // (mixed stays false), rather than quietly running the whole group outside one.
        .group(settings.transaction() == Transaction.All)
        .createSchemas(true)
        .initSql(EngineDialect.of(connection.engine()).initSql(settings.lockSeconds(), settings.statementSeconds()))
        .callbacks(new ProgressCallback(progress));
    // A session-level advisory lock, taken once per run rather than in every script's transaction:
    // CREATE INDEX CONCURRENTLY cannot run beside a transactional lock, and it saves a lock round trip
    // per script. Set on the extension itself: configuration(Map) would resolve a whole environment
    // again, which costs more than the rest of this method on every read the operator makes.
    config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    if (!settings.schemas().isEmpty()) {
      config.schemas(settings.schemas().toArray(String[]::new)).defaultSchema(settings.schemas().get(0));
    }
    return config.load();
  }

  private String describeTarget() {
    String where = login.hasUrl() ? "the database in the urlFrom Secret" : connection.database() + " on " + connection.endpoint();
    return where + (settings.schemas().isEmpty() ? "" : " (schemas " + String.join(", ", settings.schemas()) + ")");
  }

  /**
   * The history rows of the scripts this run executed, in the order they ran. Flyway's own account
   * decides, not the history table alone: rows another runner added meanwhile, and the baseline
   * marker, are not this run's work.
   */
  private static List<AppliedScript> appliedThisRun(MigrateResult outcome, MigrationInfoService after) {
    Set<String> executed = new HashSet<>();
    if (outcome.migrations != null) {
      for (MigrateOutput m : outcome.migrations) {
        executed.add(scriptName(m.filepath));
      }
    }
    Map<String, MigrationInfo> latestRow = new HashMap<>();
    for (MigrationInfo info : after.applied()) {
      if (info.getInstalledRank() != null && executed.contains(info.getScript())) {
        // A repeatable script keeps its older rows; the newest one is this run's.
        latestRow.merge(info.getScript(), info, (a, b) -> b.getInstalledRank() > a.getInstalledRank() ? b : a);
      }
    }
    return latestRow.values().stream()
        .sorted(Comparator.comparing(MigrationInfo::getInstalledRank))
        .map(MigrationEngine::applied)
        .toList();
  }

  private static List<PendingScript> pending(MigrationInfoService info) {
    List<PendingScript> list = new ArrayList<>();
    for (MigrationInfo m : info.pending()) {
      list.add(new PendingScript(versionOf(m), m.getDescription(), m.getType().name(), m.getScript(), m.getChecksum()));
    }
    return list;
  }

  private static List<AppliedScript> history(MigrationInfoService info) {
    MigrationInfo[] applied = info.applied();
    List<AppliedScript> list = new ArrayList<>();
    for (int i = Math.max(0, applied.length - HISTORY_LIMIT); i < applied.length; i++) {
      list.add(applied(applied[i]));
    }
    return list;
  }

  private static AppliedScript applied(MigrationInfo m) {
    Instant installed = m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant();
    return new AppliedScript(versionOf(m), m.getDescription(), m.getType().name(), m.getScript(), m.getChecksum(),
        m.getExecutionTime(), installed == null ? null : installed.toString(), m.getState().isFailed() ? Boolean.FALSE : Boolean.TRUE);
  }

  /**
   * The highest version that applied successfully. Flyway's own current() counts a failed row,
   * which on MySQL/MariaDB would report a version whose script never completed.
   */
  private static String currentVersion(MigrationInfoService info) {
    MigrationInfo best = null;
    for (MigrationInfo m : info.applied()) {
      if (m.getVersion() != null && !m.getState().isFailed() && (best == null || m.getVersion().compareTo(best.getVersion()) > 0)) {
        best = m;
      }
    }
    return versionOf(best);
  }

  private static String versionOf(MigrationInfo m) {
    return m == null || m.getVersion() == null ? null : m.getVersion().getVersion();
  }

  private static String scriptName(String path) {
    if (path == null) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private static String oneLine(String text) {
    return text == null ? null : text.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  public Engine engine() {
    return connection.engine();
  }
}
