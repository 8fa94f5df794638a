package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

public class SqlServerInstance {
  @Default("false")
  @JsonPropertyDescription("Set to true to accept Microsoft's licence terms for SQL Server"
      + " (https://go.microsoft.com/fwlink/?LinkId=746388); the image does not start without it, and the operator"
      + " never accepts them for anyone. Default false.")
  private Boolean acceptEula;

  @Default("Developer")
  @JsonPropertyDescription("The edition (the image's MSSQL_PID): Developer, Express, Standard, Enterprise or"
      + " EnterpriseCore. Default Developer.")
  private SqlServerEdition edition;

  public Boolean getAcceptEula() { return acceptEula; }
  public void setAcceptEula(Boolean acceptEula) { this.acceptEula = acceptEula; }
  public SqlServerEdition getEdition() { return edition; }
  public void setEdition(SqlServerEdition edition) { this.edition = edition; }
}
