package io.dbops.schemaoperator.migration;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Flyway's placeholder replacement, for reading a script as Flyway will run it: {@code ${name}}
 * anywhere in the text (strings and comments too), names compared without case, Flyway's own
 * {@code ${flyway:...}} ones included. A placeholder without a value is left as written: Flyway
 * refuses such a script, and the analysis reports the statement as one it cannot read.
 */
final class Placeholders {
  private static final String PREFIX = "${";
  private static final String SUFFIX = "}";

  private final Map<String, String> values = new HashMap<>();

  /**
   * @param user spec.placeholders
   * @param defaultSchema the default schema Flyway would name, or null for the login's own
   * @param database the connection's database
   */
  Placeholders(Map<String, String> user, String defaultSchema, String database) {
    // Stand-ins for what only the running Flyway knows; they read as the identifiers or text they replace.
    put("flyway:defaultSchema", defaultSchema == null ? "default_schema" : defaultSchema);
    put("flyway:database", database == null ? "database" : database);
    put("flyway:user", "flyway_user");
    put("flyway:timestamp", "2000-01-01 00:00:00");
    put("flyway:workingDirectory", "/");
    put("flyway:table", "flyway_schema_history");
    put("flyway:environment", "default");
    if (user != null) {
      user.forEach(this::put);
    }
  }

  private void put(String name, String value) {
    values.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value);
  }

  String replace(String sql, String filename) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      int start = sql.indexOf(PREFIX, i);
      int end = start < 0 ? -1 : sql.indexOf(SUFFIX, start + PREFIX.length());
      if (start < 0 || end < 0) {
        out.append(sql, i, sql.length());
        break;
      }
      String name = sql.substring(start + PREFIX.length(), end).toLowerCase(Locale.ROOT);
      String value = name.equals("flyway:filename") ? filename : values.get(name);
      out.append(sql, i, start).append(value == null ? sql.substring(start, end + SUFFIX.length()) : value);
      i = end + SUFFIX.length();
    }
    return out.toString();
  }
}
