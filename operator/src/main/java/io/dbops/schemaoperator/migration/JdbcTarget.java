package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A URL and the driver properties that go with it, login included. Properties, not URL text, carry
 * every value, so nothing a user writes is ever re-parsed as a URL. Redacted when printed.
 */
public record JdbcTarget(String url, Properties properties) {

  public Connection connect() throws SQLException {
    Driver driver = DriverManager.getDriver(url);
    Connection connection = driver.connect(url, properties);
    if (connection == null) {
      throw new SQLException("no JDBC driver accepts this URL", "08001");
    }
    return connection;
  }

  @Override
  public String toString() {
    return "JdbcTarget[<redacted>]";
  }
}
