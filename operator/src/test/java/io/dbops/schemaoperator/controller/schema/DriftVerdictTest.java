package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as drift once Flyway has validated the applied scripts. */
class DriftVerdictTest {
  private static final List<Map<String, String>> SCRIPTS = List.of(
      Map.of("V1__create.sql", "CREATE TABLE t (id INT);", "V1_10__index.sql", "CREATE INDEX i ON t (id);"),
      Map.of("V1_9__note.sql", "ALTER TABLE t ADD note TEXT;", "R__view.sql", "CREATE VIEW v AS SELECT 1;"));

  @Test
  void anEditedScriptIsDriftNamingTheFirstAndHowMany() {
    MigrationResult validation = validation(true, List.of(
        new MigrationResult.Drift("1", "V1__create.sql", "checksum mismatch"),
        new MigrationResult.Drift("1.9", "V1_9__note.sql", "checksum mismatch")));

    DriftVerdict verdict = DriftVerdict.of(validation, "1.10", SCRIPTS);

    assertThat(verdict.known()).isTrue();
    assertThat(verdict.problem()).isEqualTo("2 applied script(s) differ from the database's history, first V1__create.sql: checksum mismatch");
  }

  @Test
  void aDatabaseAheadOfTheHighestScriptIsDriftComparedAsVersionsNotText() {
    assertThat(DriftVerdict.of(validation(true, List.of()), "2", SCRIPTS).problem())
        .isEqualTo("the database is at version 2, ahead of the highest script here (1.10): a newer release migrated it, or scripts were removed");
    assertThat(DriftVerdict.of(validation(true, List.of()), "1.10", SCRIPTS).problem()).as("1.10 is above 1.9").isNull();
  }

  @Test
  void aFailedCheckSaysNothingAboutDrift() {
    MigrationResult failed = MigrationResult.failed(Operation.validate, MigrationFailure.configuration("connection refused"));

    DriftVerdict verdict = DriftVerdict.of(failed, "1", SCRIPTS);

    assertThat(verdict.known()).isFalse();
    assertThat(verdict.problem()).isNull();
  }

  @Test
  void anUntouchedOrMatchingDatabaseHasNoDrift() {
    assertThat(DriftVerdict.of(validation(true, List.of()), null, SCRIPTS)).isEqualTo(new DriftVerdict(true, null));
  }

  private static MigrationResult validation(boolean success, List<MigrationResult.Drift> drift) {
    return new MigrationResult(Operation.validate, success, null, List.of(), List.of(), null, drift, null);
  }
}
