package io.dbops.schemaoperator.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * What proves who we are to the database: a username and password, or a whole JDBC URL kept in a
 * Secret (which may carry both). Never printed: {@link #toString()} is redacted, and {@link
 * #secretValues()} feeds the scrubber that cleans every message we emit.
 */
public final class Login {
  /** SQL Server's sysname; PostgreSQL (63) and MySQL (80) allow less. */
  static final int MAX_USERNAME = 128;
  static final int MAX_SECRET = 4096;
  static final int MAX_URL = 8192;
  private final String username;
  private final String password;
  private final String jdbcUrl;

  private Login(String username, String password, String jdbcUrl) {
    this.username = username;
    this.password = password;
    this.jdbcUrl = jdbcUrl;
  }

  public static Login of(String username, String password) {
    if (username == null || username.isBlank()) {
      throw new ConfigurationException("the credentials Secret has an empty username: set its username key");
    }
    // Past these a driver either refuses the login or puts the whole value into an error message,
    // which would then end up in status; no engine has a user name or password that long.
    if (username.length() > MAX_USERNAME || username.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException("the credentials Secret's username is longer than " + MAX_USERNAME
          + " characters or holds control characters (a line break?): set it to the database user's name");
    }
    String pw = password == null ? "" : password;
    if (pw.length() > MAX_SECRET || pw.indexOf('\0') >= 0) {
      throw new ConfigurationException("the credentials Secret's password is longer than " + MAX_SECRET
          + " characters or holds a NUL character: set it to the database user's password");
    }
    return new Login(username, pw, null);
  }

  public static Login ofUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new ConfigurationException(
          "the urlFrom Secret key does not hold a JDBC URL (it must start with 'jdbc:')");
    }
    if (jdbcUrl.length() > MAX_URL) {
      throw new ConfigurationException("the urlFrom Secret's JDBC URL is longer than " + MAX_URL + " characters");
    }
    return new Login(null, null, jdbcUrl);
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /** Set only when the connection uses urlFrom. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public boolean hasUrl() {
    return jdbcUrl != null;
  }

  /** Values that must never leave the process: the password and the whole secret URL. */
  public List<String> secretValues() {
    List<String> values = new ArrayList<>();
    if (password != null && !password.isEmpty()) {
      values.add(password);
    }
    if (jdbcUrl != null) {
      values.add(jdbcUrl);
    }
    return values;
  }

  @Override
  public String toString() {
    return hasUrl() ? "Login[url=<redacted>]" : "Login[username=" + username + ", password=<redacted>]";
  }
}
