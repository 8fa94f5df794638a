package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.internal.util.AbbreviationUtils;

/**
 * Whether a schema's history rows show every script applied, successfully and unchanged: then
 * Flyway's info would report nothing pending and its validate nothing invalid, and the operator
 * knows the database's state from the rows alone. Strict on purpose: whatever it does not vouch
 * for is left to Flyway, which then answers as it always did (a failed row, a row no script
 * explains, a script with no row, a checksum, description or row type that differs, a target
 * version no script has, a repeatable script whose checksum depends on placeholders).
 */
public final class HistoryMatch {
  /** The row types of Flyway's own bookkeeping that no script stands for. */
  private static final String BASELINE = "BASELINE";
  private static final String SCHEMA = "SCHEMA";
  private static final String SQL = "SQL";

  private HistoryMatch() {}

  /**
   * @return the database's state as Flyway's info reports it (current version, nothing pending,
   *     the last {@link MigrationEngine#HISTORY_LIMIT} rows), when the rows show the scripts applied
   *     and unchanged; empty when only Flyway can say
   */
  public static Optional<MigrationResult> unchanged(ResolvedScripts scripts, MigrationSettings settings, List<SchemaHistoryRow> rows) {
    if (!scripts.checksumsKnown() || rows.isEmpty()) {
      return Optional.empty();
    }
    MigrationVersion target = "latest".equals(settings.target()) ? null : MigrationVersion.fromVersion(settings.target());
    if (target != null && !scripts.versioned().containsKey(target)) {
      return Optional.empty();
    }
    MigrationVersion baseline = null;
    MigrationVersion current = null;
    Set<MigrationVersion> applied = new TreeSet<>();
    Map<String, SchemaHistoryRow> latestRepeatable = new HashMap<>();
    for (SchemaHistoryRow row : rows) {
      if (!row.success()) {
        return Optional.empty();
      }
      MigrationVersion version = row.parsedVersion();
      if (version != null && (current == null || version.compareTo(current) > 0)) {
        current = version;
      }
      switch (row.type() == null ? "" : row.type()) {
        case BASELINE -> {
          if (version == null) {
            return Optional.empty();
          }
          baseline = baseline == null || version.compareTo(baseline) > 0 ? version : baseline;
        }
        case SCHEMA -> {
          // The marker of schemas Flyway created: applied, and no script stands for it.
        }
        case SQL -> {
          if (version == null) {
            if (!scripts.repeatable().containsKey(row.description())) {
              return Optional.empty();
            }
            latestRepeatable.merge(row.description(), row, (a, b) -> b.installedRank() > a.installedRank() ? b : a);
          } else if (!matches(scripts.versioned().get(version), row, target) || !applied.add(version)) {
            return Optional.empty();
          }
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    for (ResolvedScripts.Versioned script : scripts.versioned().values()) {
      boolean wanted = target == null || script.version().compareTo(target) <= 0;
      boolean belowBaseline = baseline != null && script.version().compareTo(baseline) <= 0;
      if (wanted && !belowBaseline && !applied.contains(script.version())) {
        return Optional.empty();
      }
    }
    for (ResolvedScripts.Repeatable script : scripts.repeatable().values()) {
      SchemaHistoryRow latest = latestRepeatable.get(script.description());
      if (latest == null || !Integer.valueOf(script.checksum()).equals(latest.checksum())) {
        return Optional.empty();
      }
    }
    return Optional.of(new MigrationResult(Operation.info, true, current == null ? null : current.getVersion(), null, List.of(),
        history(rows), null, null));
  }

  /** A versioned row stands for its script when type, checksum and description agree, as Flyway's validate compares them. */
  private static boolean matches(ResolvedScripts.Versioned script, SchemaHistoryRow row, MigrationVersion target) {
    return script != null
        && (target == null || script.version().compareTo(target) <= 0)
        && Integer.valueOf(script.checksum()).equals(row.checksum())
        && AbbreviationUtils.abbreviateDescription(script.description()).equals(row.description());
  }

  private static List<AppliedScript> history(List<SchemaHistoryRow> rows) {
    List<AppliedScript> history = new ArrayList<>();
    for (int i = Math.max(0, rows.size() - MigrationEngine.HISTORY_LIMIT); i < rows.size(); i++) {
      history.add(rows.get(i).asApplied());
    }
    return history;
  }
}
