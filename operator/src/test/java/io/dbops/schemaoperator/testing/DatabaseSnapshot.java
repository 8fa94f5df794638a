package io.dbops.schemaoperator.testing;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a schema holds, to compare two moments or two databases: each table's columns (name, type,
 * nullability, in order) and its rows (every value as text, sorted), Flyway's history table
 * included. Read through JDBC metadata, so one snapshot fits every engine.
 *
 * @param tables table name to its shape and rows
 */
public record DatabaseSnapshot(Map<String, Table> tables) {

  public record Table(List<String> columns, List<String> rows) {}

  /**
   * @param catalog the database for MySQL/MariaDB, else null
   * @param schema the schema for PostgreSQL, else null
   */
  public static DatabaseSnapshot of(Connection c, String catalog, String schema) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String quote = meta.getIdentifierQuoteString().strip();
    Map<String, Table> tables = new TreeMap<>();
    List<String> names = new ArrayList<>();
    try (ResultSet rs = meta.getTables(catalog, schema, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    for (String name : names) {
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = meta.getColumns(catalog, schema, name, "%")) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + "(" + rs.getInt("COLUMN_SIZE") + ")"
              + (rs.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls ? " NOT NULL" : ""));
        }
      }
      String qualified = (schema == null ? "" : quote + schema + quote + ".") + quote + name + quote;
      List<String> rows = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + qualified)) {
        int width = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= width; i++) {
            row.append(i == 1 ? "" : " | ").append(rs.getString(i));
          }
          rows.add(row.toString());
        }
      }
      rows.sort(null);
      tables.put(name, new Table(columns, rows));
    }
    return new DatabaseSnapshot(tables);
  }
}
