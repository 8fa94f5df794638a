package io.dbops.schemaoperator.model;

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
  private Engine engine;

  @Pattern(Patterns.HOST)
  private String host;

  @Min(1)
  @Max(65535)
  private Integer port;

  @Pattern(Patterns.DATABASE)
  private String database;

  @Default("false")
  private Boolean createDatabase;

  private Credentials credentials;
  private UrlFrom urlFrom;
  private Tls tls;
  @Size(max = 64)
  private Map<String, String> parameters = new LinkedHashMap<>();
  private HealthCheck healthCheck;
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
