package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;

public class SqlServerInstance {
  /** Must be set to true by a person: the operator never accepts Microsoft's EULA on anyone's behalf. */
  @Default("false")
  private Boolean acceptEula;

  @Default("Developer")
  private SqlServerEdition edition;

  public Boolean getAcceptEula() { return acceptEula; }
  public void setAcceptEula(Boolean acceptEula) { this.acceptEula = acceptEula; }
  public SqlServerEdition getEdition() { return edition; }
  public void setEdition(SqlServerEdition edition) { this.edition = edition; }
}
