package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Patterns;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A urlFrom JDBC URL taken apart: one host, a port, a database and properties. Only the plain form
 * of each engine's URL is read (no multi-host lists, load-balancing or replication prefixes, DNS
 * SRV lookups, SQL Server instance names or host-level property blocks), so that the host it names
 * is the only one the driver can reach. The driver is then handed a URL rebuilt from these parts
 * and properties, never the text from the Secret, so nothing the URL says can escape these checks.
 * Messages never quote the URL: it may carry the password.
 */
record JdbcUrl(String host, int port, String database, Map<String, String> properties) {
  private static final Pattern POSTGRES =
      Pattern.compile("^jdbc:postgresql://(?<host>[^/:?#,\\[\\]]*)(?::(?<port>[0-9]*))?(?:/(?<db>[^?#]*))?(?:\\?(?<query>[^#]*))?$");
  private static final Pattern MYSQL = Pattern.compile(
      "^jdbc:mysql://(?:(?<userinfo>[^/?#@]*)@)?(?<host>[^/:?#,()\\[\\]@]*)(?::(?<port>[0-9]*))?(?:/(?<db>[^?#]*))?(?:\\?(?<query>[^#]*))?$");
  private static final Pattern SQLSERVER =
      Pattern.compile("^jdbc:sqlserver://(?<host>[^;:\\\\]*)(?::(?<port>[^;]*))?(?<props>;.*)?$", Pattern.DOTALL);

  static JdbcUrl parse(Engine engine, String url) {
    String expected = switch (engine) {
      case POSTGRES -> "jdbc:postgresql://host:port/database?property=value&...";
      case MYSQL, MARIADB -> "jdbc:mysql://host:port/database?property=value&...";
      case SQLSERVER -> "jdbc:sqlserver://host:port;property=value;...";
    };
    String scheme = switch (engine) {
      case POSTGRES -> "jdbc:postgresql:";
      case MYSQL, MARIADB -> "jdbc:mysql:";
      case SQLSERVER -> "jdbc:sqlserver:";
    };
    if (url == null || !url.startsWith(scheme)) {
      String given = url == null ? "nothing" : schemeOf(url);
      throw refused("starts with " + given + ", but spec.engine " + engine.wireName() + " needs a URL of the form "
          + expected + ": set the engine the URL is for, or put the right URL in the Secret");
    }
    Matcher m = (switch (engine) {
      case POSTGRES -> POSTGRES;
      case MYSQL, MARIADB -> MYSQL;
      case SQLSERVER -> SQLSERVER;
    }).matcher(url.strip());
    if (!m.matches()) {
      throw refused("is not of the plain form " + expected + " (one host; no host lists, load-balancing or replication"
          + " prefixes, instance names, host property blocks or fragments)");
    }
    String host = m.group("host");
    if (host.isEmpty() || !host.matches(Patterns.HOST)) {
      throw refused("must name one host (a DNS name or IPv4 address) after '//'");
    }
    int port = port(m.group("port"), engine);
    Map<String, String> raw = new LinkedHashMap<>();
    String database;
    if (engine == Engine.SQLSERVER) {
      sqlServerProperties(m.group("props"), raw);
      database = takeDatabase(raw);
    } else {
      database = m.group("db") == null || m.group("db").isEmpty() ? null : decode(m.group("db"), "the database");
      if (engine != Engine.POSTGRES && m.group("userinfo") != null) {
        userInfo(m.group("userinfo"), raw);
      }
      queryProperties(m.group("query"), raw);
    }
    if (database != null && !database.matches(Patterns.DATABASE)) {
      throw refused("names a database that is not a plain name (a letter or '_' first, then letters, digits, '_' or"
          + " '-', at most 63)");
    }
    return new JdbcUrl(host, port, database, DriverProperties.checkUrlProperties(engine, raw));
  }

  /**
   * The URL the driver is given: scheme, host, port and (except for SQL Server, which reads it as a
   * property) the database; everything else travels in {@link #driverProperties(Engine)}.
   */
  String driverUrl(Engine engine) {
    String db = database == null ? "" : database;
    return switch (engine) {
      case POSTGRES -> "jdbc:postgresql://" + host + ":" + port + "/" + db;
      case MYSQL, MARIADB -> "jdbc:mysql://" + host + ":" + port + "/" + db;
      case SQLSERVER -> "jdbc:sqlserver://" + host + ":" + port;
    };
  }

  Map<String, String> driverProperties(Engine engine) {
    if (engine != Engine.SQLSERVER || database == null) {
      return properties;
    }
    Map<String, String> withDatabase = new LinkedHashMap<>(properties);
    withDatabase.put("databaseName", database);
    return withDatabase;
  }

  private static int port(String text, Engine engine) {
    if (text == null || text.isEmpty()) {
      return engine.defaultPort();
    }
    if (!text.matches("^[0-9]{1,5}$") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
      throw refused("has a port that is not a number from 1 to 65535");
    }
    return Integer.parseInt(text);
  }

  /** user:password before the host, as Connector/J reads it, percent-decoded. */
  private static void userInfo(String userInfo, Map<String, String> into) {
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    if (!user.isEmpty()) {
      put(into, "user", decode(user, "the user name"));
    }
    if (colon >= 0) {
      put(into, "password", decode(userInfo.substring(colon + 1), "the password"));
    }
  }

  /** ?k=v&k=v, as pgjdbc and Connector/J read it: names as written, values percent-decoded. */
  private static void queryProperties(String query, Map<String, String> into) {
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "the value of a property");
      put(into, name, value);
    }
  }

  /** ;k=v;k={v;with;semicolons}, as mssql-jdbc reads it; names keep their case here. */
  private static void sqlServerProperties(String text, Map<String, String> into) {
    if (text == null) {
      return;
    }
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == ';') {
        i++;
        continue;
      }
      int eq = text.indexOf('=', i);
      int semicolon = text.indexOf(';', i);
      if (eq < 0 || (semicolon >= 0 && semicolon < eq)) {
        throw refused("has a property without '=' after the host");
      }
      String name = text.substring(i, eq).strip();
      int start = eq + 1;
      while (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      String value;
      if (start < text.length() && text.charAt(start) == '{') {
        StringBuilder braced = new StringBuilder();
        int j = start + 1;
        while (true) {
          if (j >= text.length()) {
            throw refused("has a '{' value that is never closed");
          }
          char c = text.charAt(j);
          if (c == '}' && j + 1 < text.length() && text.charAt(j + 1) == '}') {
            braced.append('}');
            j += 2;
          } else if (c == '}') {
            j++;
            break;
          } else {
            braced.append(c);
            j++;
          }
        }
        value = braced.toString();
        while (j < text.length() && text.charAt(j) == ' ') {
          j++;
        }
        if (j < text.length() && text.charAt(j) != ';') {
          throw refused("has text after a '}' value");
        }
        i = j;
      } else {
        int end = text.indexOf(';', start);
        end = end < 0 ? text.length() : end;
        value = text.substring(start, end).strip();
        i = end;
      }
      put(into, name, value);
    }
  }

  /** mssql-jdbc takes the database from databaseName or its alias database, in any case. */
  private static String takeDatabase(Map<String, String> properties) {
    String database = null;
    for (String name : new ArrayList<>(properties.keySet())) {
      if (name.equalsIgnoreCase("databaseName") || name.equalsIgnoreCase("database")) {
        if (database != null) {
          throw refused("names the database twice");
        }
        database = properties.remove(name);
      }
    }
    return database == null || database.isEmpty() ? null : database;
  }

  private static void put(Map<String, String> into, String name, String value) {
    if (into.putIfAbsent(name, value) != null) {
      throw refused("gives property '" + (name.matches(Patterns.PARAMETER_NAME) ? name : "?") + "' twice");
    }
  }

  private static String decode(String text, String what) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw refused("has a malformed %-escape in " + what);
    }
  }

  private static String schemeOf(String url) {
    Matcher scheme = Pattern.compile("^(jdbc:[A-Za-z0-9+.-]{1,30}:?)").matcher(url);
    return scheme.find() ? "'" + scheme.group(1) + "'" : "no 'jdbc:' scheme";
  }

  private static ConfigurationException refused(String why) {
    return new ConfigurationException("the urlFrom Secret's JDBC URL " + why);
  }
}
