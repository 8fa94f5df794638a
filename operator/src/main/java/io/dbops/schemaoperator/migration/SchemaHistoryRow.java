package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;

/**
 * One row of Flyway's schema history table, read the way Flyway reads it (a null checksum stays
 * null, a null execution time is 0, an installed_on the driver cannot read as a timestamp is parsed
 * from its text), so that a history built from rows is the history Flyway's info reports.
 */
public record SchemaHistoryRow(
    int installedRank,
    String version,
    String description,
    String type,
    String script,
    Integer checksum,
    int executionTime,
    Timestamp installedOn,
    boolean success) {

  /** Flyway's default history table, which the engine keeps. */
  public static final String TABLE = "flyway_schema_history";
  /** The columns read, in the order {@link #read(ResultSet)} takes them. */
  static final String COLUMNS = "installed_rank, version, description, type, script, checksum, execution_time, installed_on, success";

  /**
   * Every row of the history table in {@code schema} (null: the connection's default schema, as
   * Flyway's own default), in installed order, with one query.
   *
   * @throws SQLException when the table is not there, or the read fails
   */
  public static List<SchemaHistoryRow> readAll(Connection connection, EngineDialect dialect, String schema) throws SQLException {
    List<SchemaHistoryRow> rows = new ArrayList<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(dialect.historyQuery(schema))) {
      while (rs.next()) {
        rows.add(read(rs));
      }
    }
    return rows;
  }

  private static SchemaHistoryRow read(ResultSet rs) throws SQLException {
    int rank = rs.getInt(1);
    String version = rs.getString(2);
    String description = rs.getString(3);
    String type = rs.getString(4);
    String script = rs.getString(5);
    Integer checksum = rs.getInt(6);
    if (rs.wasNull()) {
      checksum = null;
    }
    int executionTime = rs.getInt(7);
    Timestamp installedOn = rs.getTimestamp(8);
    if (installedOn == null) {
      installedOn = parsed(rs.getString(8));
    }
    boolean success = rs.getBoolean(9);
    return new SchemaHistoryRow(rank, version, description, type, script, checksum, executionTime, installedOn, success);
  }

  private static Timestamp parsed(String text) {
    try {
      return text == null || text.isBlank() ? null : Timestamp.valueOf(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The version as Flyway parses it, or null for a repeatable script's row. */
  public MigrationVersion parsedVersion() {
    return version == null ? null : MigrationVersion.fromVersion(version);
  }

  /** This row as info reports it in a history. */
  public MigrationResult.AppliedScript asApplied() {
    MigrationVersion parsed = parsedVersion();
    return new MigrationResult.AppliedScript(parsed == null ? null : parsed.getVersion(), description, type, script, checksum,
        executionTime, installedOn == null ? null : installedOn.toInstant().toString(), success);
  }
}
