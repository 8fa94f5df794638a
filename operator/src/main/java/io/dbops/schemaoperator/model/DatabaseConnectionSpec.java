package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

@ValidationRule(
    value = "[has(self.host), has(self.instance), has(self.urlFrom)].filter(x, x).size() == 1",
    message = "set exactly one of host (a database you run), instance (one the operator deploys) or urlFrom (a JDBC URL kept in a Secret)")
@ValidationRule(
    value = "!(has(self.credentials) && has(self.urlFrom))",
    message = "credentials and urlFrom are exclusive: keep the login either in credentials or inside the URL Secret")
@ValidationRule(
    value = "!has(self.host) || has(self.credentials)",
    message = "an external database (host) needs credentials.secretName")
@ValidationRule(
    value = "self.engine != 'postgres' || !has(self.parameters)"
        + " || self.parameters.all(k, k.matches('^(" + DriverParameterNames.POSTGRES + ")$'))",
    messageExpression = "'parameters not allowed for postgres: ' + self.parameters.filter(k, !k.matches('^("
        + DriverParameterNames.POSTGRES + ")$')).join(', ') + '; allowed: " + DriverParameterNames.POSTGRES + "'",
    message = "parameters for postgres are limited to: " + DriverParameterNames.POSTGRES)
@ValidationRule(
    value = "!(self.engine == 'mysql' || self.engine == 'mariadb') || !has(self.parameters)"
        + " || self.parameters.all(k, k.matches('^(" + DriverParameterNames.MYSQL + ")$'))",
    messageExpression = "'parameters not allowed for ' + self.engine + ': ' + self.parameters.filter(k, !k.matches('^("
        + DriverParameterNames.MYSQL + ")$')).join(', ') + '; allowed: " + DriverParameterNames.MYSQL + "'",
    message = "parameters for mysql and mariadb are limited to: " + DriverParameterNames.MYSQL)
@ValidationRule(
    value = "self.engine != 'sqlserver' || !has(self.parameters)"
        + " || self.parameters.all(k, k.matches('^(" + DriverParameterNames.SQLSERVER + ")$'))",
    messageExpression = "'parameters not allowed for sqlserver: ' + self.parameters.filter(k, !k.matches('^("
        + DriverParameterNames.SQLSERVER + ")$')).join(', ') + '; allowed: " + DriverParameterNames.SQLSERVER + "'",
    message = "parameters for sqlserver are limited to: " + DriverParameterNames.SQLSERVER)
public class DatabaseConnectionSpec {
  @Required
  @JsonPropertyDescription("The database engine: postgres, mysql, mariadb or sqlserver. It picks the JDBC driver, the"
      + " default port and, with instance, the database the operator deploys (mysql cannot be deployed: use mariadb).")
  private Engine engine;

  @Pattern(Patterns.HOST)
  @JsonPropertyDescription("The database server's DNS name or IPv4 address, for a database you run yourself; no port,"
      + " path or query (e.g. db.prod.svc). Set exactly one of host, instance and urlFrom.")
  private String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The server's TCP port. Default: the engine's, 5432 (postgres), 3306 (mysql, mariadb) or"
      + " 1433 (sqlserver).")
  private Integer port;

  @Pattern(Patterns.DATABASE)
  @JsonPropertyDescription("The database to connect to (e.g. app). Default: postgres for PostgreSQL, master for SQL"
      + " Server, none for MySQL/MariaDB (where a DatabaseSchema's schemas are databases).")
  private String database;

  @Default("false")
  @JsonPropertyDescription("Create the database first when it does not exist, from the engine's admin database"
      + " (postgres, master, or none for MySQL/MariaDB). Needs a login that may create databases; not with urlFrom."
      + " Default false.")
  private Boolean createDatabase;

  @JsonPropertyDescription("The Secret holding the login, in this namespace. Required with host; with instance the"
      + " operator's generated admin Secret is used when this is not set.")
  private Credentials credentials;

  @JsonPropertyDescription("A whole JDBC URL, login included, kept in a Secret of this namespace, instead of host and"
      + " credentials. Its scheme must match engine, it must name one host, and its properties pass the same"
      + " allowlist as parameters (plus user, password and the TLS mode).")
  private UrlFrom urlFrom;

  @JsonPropertyDescription("How the connection is encrypted and whether the server's certificate is checked."
      + " Default: mode require (encrypted, not verified).")
  private Tls tls;

  @Size(max = 64)
  @JsonPropertyDescription("Extra JDBC driver properties, as strings, from the engine's allowlist of tuning properties"
      + " (timeouts, fetch and cache sizes, character set, application name); see README, Driver properties."
      + " Example: {connectTimeout: \"10\"}. Login, database, TLS and anything that loads classes, opens files or"
      + " redirects the connection are refused.")
  private Map<String, @Size(max = 1024) String> parameters = new LinkedHashMap<>();

  @JsonPropertyDescription("How often the operator probes the database once it is reachable.")
  private HealthCheck healthCheck;

  @JsonPropertyDescription("A database the operator deploys and runs for this connection: a one-replica StatefulSet"
      + " with a volume, two Services and an admin Secret, all named after this resource.")
  private Instance instance;

  public Engine getEngine() { return engine; }
  public void setEngine(Engine engine) { this.engine = engine; }
  public String getHost() { return host; }
  public void setHost(String host) { this.host = host; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public String getDatabase() { return database; }
  public void setDatabase(String database) { this.database = database; }
  public Boolean getCreateDatabase() { return createDatabase; }
  public void setCreateDatabase(Boolean createDatabase) { this.createDatabase = createDatabase; }
  public Credentials getCredentials() { return credentials; }
  public void setCredentials(Credentials credentials) { this.credentials = credentials; }
  public UrlFrom getUrlFrom() { return urlFrom; }
  public void setUrlFrom(UrlFrom urlFrom) { this.urlFrom = urlFrom; }
  public Tls getTls() { return tls; }
  public void setTls(Tls tls) { this.tls = tls; }
  public Map<String, String> getParameters() { return parameters; }
  public void setParameters(Map<String, String> parameters) { this.parameters = parameters; }
  public HealthCheck getHealthCheck() { return healthCheck; }
  public void setHealthCheck(HealthCheck healthCheck) { this.healthCheck = healthCheck; }
  public Instance getInstance() { return instance; }
  public void setInstance(Instance instance) { this.instance = instance; }

  public int effectivePort() {
    return port != null ? port : engine.defaultPort();
  }

  public boolean wantsDatabaseCreated() {
    return Boolean.TRUE.equals(createDatabase);
  }
}
