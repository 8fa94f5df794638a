package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.model.Engine;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A urlFrom URL as a hostile tenant might write it: every form that would let the driver reach
 * another host than the one the URL names, or read a property the allowlist does not hold, is
 * refused before any driver sees it, and no message repeats the URL (it carries the password).
 */
class JdbcUrlTest {
  private static final String PASSWORD = "Url-S3cret-9f2c";

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "POSTGRES  | jdbc:postgresql://db.prod.svc:5433/app?user=app&password=Url-S3cret-9f2c&ApplicationName=billing | db.prod.svc | 5433 | app",
      "POSTGRES  | jdbc:postgresql://10.0.0.7/app                                    | 10.0.0.7    | 5432 | app",
      "POSTGRES  | jdbc:postgresql://db/                                             | db          | 5432 | ",
      "MYSQL     | jdbc:mysql://app:Url-S3cret-9f2c@db.prod.svc/app?connectTimeout=5000 | db.prod.svc | 3306 | app",
      "MARIADB   | jdbc:mysql://db.prod.svc:3307                                     | db.prod.svc | 3307 | ",
      "SQLSERVER | jdbc:sqlserver://sql.corp.example;databaseName=Sales;user=sa;password={Url-S3cret-9f2c} | sql.corp.example | 1433 | Sales",
      "SQLSERVER | jdbc:sqlserver://sql:14330;database=Sales;                         | sql         | 14330 | Sales"})
  void aPlainUrlGivesItsHostPortAndDatabase(Engine engine, String url, String host, int port, String database) {
    JdbcUrl parsed = JdbcUrl.parse(engine, url);

    assertThat(parsed.host()).isEqualTo(host);
    assertThat(parsed.port()).isEqualTo(port);
    assertThat(parsed.database()).isEqualTo(database);
  }

  @Test
  void sqlserverPropertyNamesAreReadWithoutRegardToCaseAndGivenTheDriversSpelling() {
    JdbcUrl parsed = JdbcUrl.parse(Engine.SQLSERVER, "jdbc:sqlserver://sql;USER=sa;PassWord=x;LOGINTIMEOUT=5");

    assertThat(parsed.properties()).containsExactly(
        Map.entry("user", "sa"), Map.entry("password", "x"), Map.entry("loginTimeout", "5"));
  }

  @Test
  void sqlserverBracedValuesMayHoldSemicolonsAndDoubledClosingBraces() {
    JdbcUrl parsed = JdbcUrl.parse(Engine.SQLSERVER, "jdbc:sqlserver://sql;password={a;b}}c};user=sa");

    assertThat(parsed.properties()).containsEntry("password", "a;b}c").containsEntry("user", "sa");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      // another host than the one named
      "POSTGRES  | jdbc:postgresql://db1,db2/app                                   | is not of the plain form",
      "POSTGRES  | jdbc:postgresql://db1:5432,db2:5432/app                         | is not of the plain form",
      "POSTGRES  | jdbc:postgresql:app                                             | is not of the plain form",
      "POSTGRES  | jdbc:postgresql://[::1]/app                                     | is not of the plain form",
      "POSTGRES  | jdbc:postgresql://db/app?PGHOST=evil                            | property 'PGHOST' is not allowed: it would send the connection to another server",
      "POSTGRES  | jdbc:postgresql://db/app?host=evil                              | property 'host' is not allowed: it would send the connection",
      "POSTGRES  | jdbc:postgresql://db/app?service=evil                           | property 'service' is not allowed",
      "POSTGRES  | jdbc:postgresql:///app                                          | must name one host",
      "MYSQL     | jdbc:mysql://(host=db,allowLoadLocalInfile=true)/app            | is not of the plain form",
      "MYSQL     | jdbc:mysql://address=(host=db)(port=3306)/app                   | is not of the plain form",
      "MYSQL     | jdbc:mysql://db1,db2/app                                        | is not of the plain form",
      "MYSQL     | jdbc:mysql:loadbalance://db1,db2/app                            | is not of the plain form",
      "MYSQL     | jdbc:mysql:replication://db1,db2/app                            | is not of the plain form",
      "MYSQL     | jdbc:mysql+srv://_mysql._tcp.example.com/app                    | starts with 'jdbc:mysql+srv:'",
      "MARIADB   | jdbc:mariadb://db/app                                           | starts with 'jdbc:mariadb:', but spec.engine mariadb needs a URL of the form jdbc:mysql://",
      "MYSQL     | jdbc:mysql://db/app#frag                                        | is not of the plain form",
      "SQLSERVER | jdbc:sqlserver://db\\SQLEXPRESS;user=sa                         | is not of the plain form",
      "SQLSERVER | jdbc:sqlserver://;serverName=evil;user=sa                       | must name one host",
      "SQLSERVER | jdbc:sqlserver://db;server=evil                                 | property 'server' is not allowed: it would send the connection",
      "SQLSERVER | jdbc:sqlserver://db;Port=1                                      | property 'Port' is not allowed",
      "SQLSERVER | jdbc:sqlserver://db;failoverPartner=evil                        | property 'failoverPartner' is not allowed",
      // classes, files, deserialization, identity
      "POSTGRES  | jdbc:postgresql://db/app?socketFactory=x.Y                      | property 'socketFactory' is not allowed: it makes the driver load a class",
      "POSTGRES  | jdbc:postgresql://db/app?loggerFile=/tmp/x                      | property 'loggerFile' is not allowed: it makes the driver read or write a file",
      "POSTGRES  | jdbc:postgresql://db/app?sslrootcert=/var/run/secrets/kubernetes.io/serviceaccount/token | property 'sslrootcert' is not allowed: it makes the driver read or write a file",
      "MYSQL     | jdbc:mysql://db/app?allowLoadLocalInfile=true                   | property 'allowLoadLocalInfile' is not allowed",
      "MYSQL     | jdbc:mysql://db/app?autoDeserialize=true                        | property 'autoDeserialize' is not allowed: it makes the driver deserialize",
      "MYSQL     | jdbc:mysql://db/app?queryInterceptors=x.Y                       | property 'queryInterceptors' is not allowed: it makes the driver load a class",
      "SQLSERVER | jdbc:sqlserver://db;trustManagerClass=x.Y                       | property 'trustManagerClass' is not allowed",
      "SQLSERVER | jdbc:sqlserver://db;integratedSecurity=true                     | property 'integratedSecurity' is not allowed: it would log in with the operator's own identity",
      "SQLSERVER | jdbc:sqlserver://db;authentication=ActiveDirectoryManagedIdentity | property 'authentication' is not allowed",
      // malformed
      "POSTGRES  | jdbc:postgresql://db:99999/app                                  | has a port that is not a number from 1 to 65535",
      "POSTGRES  | jdbc:postgresql://db/app;drop                                   | names a database that is not a plain name",
      "POSTGRES  | jdbc:postgresql://db/app?user=a&user=b                          | gives property 'user' twice",
      "POSTGRES  | jdbc:postgresql://db/app?password=%zz                           | has a malformed %-escape",
      "SQLSERVER | jdbc:sqlserver://db;password={unclosed                          | has a '{' value that is never closed",
      "SQLSERVER | jdbc:sqlserver://db;databaseName=a;database=b                   | names the database twice",
      "SQLSERVER | jdbc:sqlserver://db;justaword                                   | has a property without '='",
      "POSTGRES  | postgresql://db/app                                             | starts with no 'jdbc:' scheme"})
  void aUrlThatCouldReachElsewhereOrLoadSomethingIsRefused(Engine engine, String url, String why) {
    assertThatThrownBy(() -> JdbcUrl.parse(engine, url))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("the urlFrom Secret's JDBC URL")
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(url).doesNotContain(PASSWORD));
  }

  @Test
  void aRefusedUrlNeverHasItsPasswordQuoted() {
    assertThatThrownBy(() -> JdbcUrl.parse(Engine.POSTGRES,
        "jdbc:postgresql://db/app?user=app&password=" + PASSWORD + "&sslmode=" + PASSWORD))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("property 'sslmode' must be one of disable, allow, prefer, require, verify-ca, verify-full")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
  }
}
