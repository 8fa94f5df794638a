package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.IdleConnections;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's read of a schema's state answers as Flyway would, whether it took a short way (no
 * history table: one metadata query; every script applied and unchanged: one query of the history)
 * or asked Flyway.
 */
class DatabaseReaderTest {
  private static final Map<String, String> SCRIPTS = Map.of(
      "V1__create_t.sql", "CREATE TABLE t (id INT);",
      "V1.1__index_t.sql", "CREATE INDEX t_idx ON t (id);",
      "V2__add_note.sql", "ALTER TABLE t ADD note TEXT;",
      "R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT id FROM t;");

  private static EmbeddedPostgres postgres;
  private final JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();
  private final IdleConnections connections = IdleConnections.forReads();
  private final DatabaseReader reader = new DatabaseReader(targets, connections);

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.start();
  }

  @AfterEach
  void closeConnections() {
    connections.close();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void aSchemaFlywayNeverTouchedReadsTheSameWithoutFlyway() {
    MigrationSettings settings = settings("fresh");

    MigrationResult quick = read(settings, List.of(SCRIPTS), false).state();
    MigrationResult flyway = read(settings, List.of(SCRIPTS), true).state();

    assertThat(quick.success()).isTrue();
    assertThat(quick.currentVersion()).isEqualTo(flyway.currentVersion()).isNull();
    assertThat(withoutChecksums(quick.pending())).isEqualTo(withoutChecksums(flyway.pending()));
    assertThat(quick.pending()).extracting(PendingScript::script)
        .containsExactly("V1__create_t.sql", "V1.1__index_t.sql", "V2__add_note.sql", "R__view.sql");
  }

  @Test
  void onceFlywayKeepsAHistoryTheReadIsFlywaysAgain() {
    MigrationSettings settings = settings("migrated");
    try (MigrationScripts first = MigrationScripts.fromNamedSources(List.of(Map.of("V1__create_t.sql", "CREATE TABLE t (id INT);")))) {
      assertThat(new MigrationEngine(connection(), login(), settings, first, targets, Progress.silent()).migrate().success()).isTrue();
    }

    MigrationResult read = read(settings, List.of(SCRIPTS), false).state();

    assertThat(read.currentVersion()).isEqualTo("1");
    assertThat(read.pending()).extracting(PendingScript::script).containsExactly("V1.1__index_t.sql", "V2__add_note.sql", "R__view.sql");
    assertThat(read.pending()).allSatisfy(p -> assertThat(p.checksum()).isNotNull());
  }

  @Test
  void aSchemaWithEveryScriptAppliedIsReadFromItsHistoryWithTheDriftVerdictOnAKeptConnection() {
    MigrationSettings settings = settings("applied");
    try (MigrationScripts all = MigrationScripts.fromNamedSources(List.of(SCRIPTS))) {
      assertThat(new MigrationEngine(connection(), login(), settings, all, targets, Progress.silent()).migrate().success()).isTrue();
    }

    DatabaseReader.Read first = read(settings, List.of(SCRIPTS), false);
    DatabaseReader.Read second = read(settings, List.of(SCRIPTS), false);

    assertThat(first.drift()).as("settled by the same read").isEqualTo(new DriftVerdict(true, null));
    assertThat(first.state().currentVersion()).isEqualTo("2");
    assertThat(first.state().pending()).isEmpty();
    assertThat(second).isEqualTo(first);
    assertThat(connections.parked()).as("one login, kept, for both reads").isEqualTo(1);
  }

  @Test
  void scriptsWithInvalidNamesAreAConfigurationErrorBeforeAnyRead() {
    assertThatThrownBy(() -> read(settings("bad"), List.of(Map.of("V1_create.sql", "SELECT 1;")), false))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("V1_create.sql");
    assertThat(connections.parked()).isZero();
  }

  private DatabaseReader.Read read(MigrationSettings settings, List<Map<String, String>> scripts, boolean withChecksums) {
    return reader.read("team-a/app-db", connection(), login(), settings, scripts, Sha256.hex(settings + "" + scripts), withChecksums);
  }

  private static List<PendingScript> withoutChecksums(List<PendingScript> pending) {
    return pending.stream().map(p -> new PendingScript(p.version(), p.description(), p.type(), p.script(), null)).toList();
  }

  private static MigrationSettings settings(String schema) {
    return new MigrationSettings(List.of(schema), "latest", Map.of(), false, "1", false, 5, 0);
  }

  private static ConnectionSettings connection() {
    return new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(), "postgres", TlsMode.DISABLE, null, Map.of(), false);
  }

  private static Login login() {
    return Login.of("postgres", "unused-with-trust");
  }
}
