package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.MigrationResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Whether a database still matches what was applied to it. Drift is an applied script that no
 * longer matches the history (someone edited the script or the history table), or a database at a
 * version the scripts do not reach. Reported, never repaired: only a person knows which side is right.
 *
 * @param known false when the check itself failed (the database went away, the read was cut off):
 *     that says nothing about drift either way
 * @param problem what drifted, null when nothing did
 */
public record DriftVerdict(boolean known, String problem) {

  /** The verdict on Flyway's validation of {@code scripts} against a database at {@code currentVersion}. */
  public static DriftVerdict of(MigrationResult validation, String currentVersion, List<Map<String, String>> scripts) {
    if (!validation.drift().isEmpty()) {
      MigrationResult.Drift first = validation.drift().get(0);
      return new DriftVerdict(true, validation.drift().size() + " applied script(s) differ from the database's history, first "
          + (first.script() == null ? "version " + first.version() : first.script()) + ": " + first.message());
    }
    if (!validation.success()) {
      return new DriftVerdict(false, null);
    }
    Optional<String> highest = highestVersion(scripts);
    if (currentVersion != null && highest.isPresent()
        && MigrationVersion.fromVersion(currentVersion).compareTo(MigrationVersion.fromVersion(highest.get())) > 0) {
      return new DriftVerdict(true, "the database is at version " + currentVersion + ", ahead of the highest script here ("
          + highest.get() + "): a newer release migrated it, or scripts were removed");
    }
    return new DriftVerdict(true, null);
  }

  private static Optional<String> highestVersion(List<Map<String, String>> scripts) {
    return scripts.stream()
        .flatMap(m -> m.keySet().stream())
        .filter(n -> n.startsWith("V") && n.contains("__"))
        .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
        .max((a, b) -> MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b)));
  }
}
