package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.migration.Sha256;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's drift check, which reads the history rows in one query and compares them with the
 * scripts' checksums, against Flyway's info and validate on the same database, for every kind of
 * drift the scenarios cover: the state and the verdict are the same in every situation, and the
 * situations with nothing to report are answered by the one query alone. Each engine's subclass
 * says how to reach a real server; every situation gets a schema of its own.
 */
abstract class AbstractDriftCheckAgreementTest {
  static final String V1 = "V1__create_items.sql";
  static final String V2 = "V2__add_note.sql";
  static final String V3 = "V3__index_name.sql";
  static final String VIEW = "R__item_names.sql";
  static final String V1_SQL = "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100));\n";
  static final String V2_SQL = "ALTER TABLE items ADD note VARCHAR(200);\n";
  static final String V3_SQL = "CREATE INDEX items_name_idx ON items (name);\n";
  static final String VIEW_SQL = "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n";

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();
  private final IdleConnections connections = IdleConnections.forReads();
  private final DatabaseReader reader = new DatabaseReader(targets, connections);

  /** The scripts and settings the operator checks with, after a situation set the database up. */
  record Check(Map<String, String> scripts, MigrationSettings settings) {}

  @FunctionalInterface
  interface Situation {
    Check setUp(AbstractDriftCheckAgreementTest db, String schema) throws Exception;
  }

  abstract ConnectionSettings connection();

  abstract Login login();

  /** Runs one statement on the test's own connection. */
  abstract void sql(String statement) throws Exception;

  /** A schema (a database, on MySQL/MariaDB) that already holds V1's table, made by hand: what a baseline adopts. */
  abstract void schemaWithItems(String schema) throws Exception;

  @AfterEach
  void closeConnections() {
    connections.close();
  }

  static Stream<Arguments> situations() {
    return Stream.of(
        row("every script applied and unchanged", true, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL, VIEW, VIEW_SQL));
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL, VIEW, VIEW_SQL));
        }),
        row("an applied script edited afterwards", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL));
          return db.check(s, scripts(V1, V1_SQL + "-- edited\n", V2, V2_SQL));
        }),
        row("a history row's checksum edited", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL));
          db.sql("UPDATE " + s + ".flyway_schema_history SET checksum = 12345 WHERE version = '2'");
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL));
        }),
        row("a history row's description edited", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL));
          db.sql("UPDATE " + s + ".flyway_schema_history SET description = 'renamed' WHERE version = '1'");
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL));
        }),
        row("the newest history row deleted", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL));
          db.sql("DELETE FROM " + s + ".flyway_schema_history WHERE version = '3'");
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL));
        }),
        row("a history row between others deleted", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL));
          db.sql("DELETE FROM " + s + ".flyway_schema_history WHERE version = '2'");
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL));
        }),
        row("the database ahead of the scripts", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL));
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL));
        }),
        row("a failed row", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V2, V2_SQL));
          db.sql("UPDATE " + s + ".flyway_schema_history SET success = false WHERE version = '2'");
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL));
        }),
        row("a repeatable script edited (due to run again)", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, VIEW, VIEW_SQL));
          return db.check(s, scripts(V1, V1_SQL, VIEW, VIEW_SQL.replace("SELECT name FROM", "SELECT name, id FROM")));
        }),
        row("a repeatable script applied twice, its older row superseded", true, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, VIEW, VIEW_SQL));
          String edited = VIEW_SQL.replace("SELECT name FROM", "SELECT name, id FROM");
          db.migrate(s, scripts(V1, V1_SQL, VIEW, edited));
          return db.check(s, scripts(V1, V1_SQL, VIEW, edited));
        }),
        row("a repeatable script with placeholders (left to Flyway)", false, (db, s) -> {
          Map<String, String> scripts = scripts(V1, V1_SQL, VIEW, "CREATE OR REPLACE VIEW item_names AS SELECT name, '${env}' AS env FROM items;\n");
          MigrationSettings settings = settings(s, "latest", false, "1", false, Map.of("env", "prod"));
          db.migrate(scripts, settings);
          return new Check(scripts, settings);
        }),
        row("a baseline row below the scripts", true, (db, s) -> {
          db.schemaWithItems(s);
          Map<String, String> scripts = scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL);
          MigrationSettings settings = settings(s, "latest", true, "1", false, Map.of());
          db.migrate(scripts, settings);
          return new Check(scripts, settings);
        }),
        row("a baseline row above every script (ahead)", true, (db, s) -> {
          db.schemaWithItems(s);
          Map<String, String> scripts = scripts(V1, V1_SQL, V2, V2_SQL);
          MigrationSettings settings = settings(s, "latest", true, "5", false, Map.of());
          db.migrate(scripts, settings);
          return new Check(scripts, settings);
        }),
        row("a script applied out of order (outOfOrder: true)", true, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V3, "CREATE TABLE extra (id INT);\n"));
          Map<String, String> scripts = scripts(V1, V1_SQL, V2, V2_SQL, V3, "CREATE TABLE extra (id INT);\n");
          MigrationSettings settings = settings(s, "latest", false, "1", true, Map.of());
          db.migrate(scripts, settings);
          return new Check(scripts, settings);
        }),
        row("a script older than the applied ones (outOfOrder: false)", false, (db, s) -> {
          db.migrate(s, scripts(V1, V1_SQL, V3, "CREATE TABLE extra (id INT);\n"));
          return db.check(s, scripts(V1, V1_SQL, V2, V2_SQL, V3, "CREATE TABLE extra (id INT);\n"));
        }),
        row("a target below the newest script", true, (db, s) -> {
          Map<String, String> scripts = scripts(V1, V1_SQL, V2, V2_SQL, V3, V3_SQL);
          MigrationSettings settings = settings(s, "2", false, "1", false, Map.of());
          db.migrate(scripts, settings);
          return new Check(scripts, settings);
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void theOneQueryCheckAndFlywayAgree(String situation, boolean answeredByTheHistoryAlone, Situation given) throws Exception {
    String schema = "drift_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    Check check = given.setUp(this, schema);

    MigrationResult flywayState;
    DriftVerdict flywayVerdict;
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(List.of(check.scripts()))) {
      MigrationEngine flyway = new MigrationEngine(connection(), login(), check.settings(), staged, targets, Progress.silent());
      flywayState = flyway.info();
      flywayVerdict = nothingPending(flywayState) ? DriftVerdict.of(flyway.validate(), flywayState.currentVersion(), List.of(check.scripts())) : null;
    }

    DatabaseReader.Read read = reader.read("agreement/db", connection(), login(), check.settings(), List.of(check.scripts()),
        Sha256.hex(schema + check.scripts() + check.settings()), false);
    // As the decision goes on: a read that settled no verdict is followed by Flyway's validation when nothing is pending.
    DriftVerdict operatorVerdict = read.drift() != null ? read.drift() : nothingPending(read.state())
        ? DriftVerdict.of(reader.validate(connection(), login(), check.settings(), List.of(check.scripts())), read.state().currentVersion(),
            List.of(check.scripts()))
        : null;

    assertThat(read.drift() != null).as("%s: answered by the history rows alone", situation).isEqualTo(answeredByTheHistoryAlone);
    assertThat(read.state()).as("%s: the state status is written from", situation).isEqualTo(flywayState);
    assertThat(operatorVerdict).as("%s: the drift verdict", situation).isEqualTo(flywayVerdict);
  }

  private static boolean nothingPending(MigrationResult state) {
    return state.success() && state.pending().isEmpty();
  }

  private static Arguments row(String situation, boolean answeredByTheHistoryAlone, Situation given) {
    return Arguments.of(situation, answeredByTheHistoryAlone, given);
  }

  private static Map<String, String> scripts(String... nameThenSql) {
    Map<String, String> scripts = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSql.length; i += 2) {
      scripts.put(nameThenSql[i], nameThenSql[i + 1]);
    }
    return scripts;
  }

  static MigrationSettings settings(String schema, String target, boolean baselineOnMigrate, String baselineVersion,
      boolean outOfOrder, Map<String, String> placeholders) {
    return new MigrationSettings(List.of(schema), target, placeholders, baselineOnMigrate, baselineVersion, outOfOrder, 5, 0);
  }

  private Check check(String schema, Map<String, String> scripts) {
    return new Check(scripts, settings(schema, "latest", false, "1", false, Map.of()));
  }

  private void migrate(String schema, Map<String, String> scripts) {
    migrate(scripts, settings(schema, "latest", false, "1", false, Map.of()));
  }

  private void migrate(Map<String, String> scripts, MigrationSettings settings) {
    try (MigrationScripts staged = MigrationScripts.fromNamedSources(List.of(scripts))) {
      MigrationResult result = new MigrationEngine(connection(), login(), settings, staged, targets, Progress.silent()).migrate();
      assertThat(result.success()).as("migrate: %s", result.failure()).isTrue();
    }
  }
}
