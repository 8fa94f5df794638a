package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/** Scripts as Flyway names and checksums them, without a database (the agreement tests compare with Flyway on real ones). */
class ResolvedScriptsTest {
  @Test
  void versionsAndDescriptionsAreFlywaysAndCheckedScriptsIgnoreLineEndingsAsFlywayDoes() {
    ResolvedScripts unix = ResolvedScripts.of(Map.of("V1_10__add_index.sql", "CREATE INDEX i ON t (id);\nSELECT 1;\n"));
    ResolvedScripts windows = ResolvedScripts.of(Map.of("V1_10__add_index.sql", "CREATE INDEX i ON t (id);\r\nSELECT 1;\r\n"));

    ResolvedScripts.Versioned script = unix.versioned().get(MigrationVersion.fromVersion("1.10"));
    assertThat(script.description()).isEqualTo("add index");
    assertThat(windows.versioned().get(MigrationVersion.fromVersion("1.10")).checksum()).isEqualTo(script.checksum());
  }

  @Test
  void aRepeatableScriptWithAPlaceholderLeavesItsChecksumToFlywayAVersionedOneDoesNot() {
    assertThat(ResolvedScripts.of(Map.of("R__view.sql", "CREATE VIEW v AS SELECT '${env}';")).checksumsKnown()).isFalse();
    assertThat(ResolvedScripts.of(Map.of("V1__t.sql", "CREATE TABLE t (env TEXT DEFAULT '${env}');")).checksumsKnown()).isTrue();
  }
}
