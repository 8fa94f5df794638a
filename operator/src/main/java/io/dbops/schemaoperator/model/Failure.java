package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class Failure {
  @JsonPropertyDescription("The version of the script that failed, e.g. 5.")
  private String version;

  @JsonPropertyDescription("The file name of the script that failed, e.g. V5__add_orders.sql.")
  private String script;

  @JsonPropertyDescription("The SQLSTATE the server gave, e.g. 42P07 (PostgreSQL: the relation already exists).")
  private String sqlState;

  @JsonPropertyDescription("The server's message, with any secret masked.")
  private String message;

  private Boolean transient_;

  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
  public String getScript() { return script; }
  public void setScript(String script) { this.script = script; }
  public String getSqlState() { return sqlState; }
  public void setSqlState(String sqlState) { this.sqlState = sqlState; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }

  @JsonProperty("transient")
  @JsonPropertyDescription("true when retrying may help (unreachable, lock timeout, deadlock); false for a script the"
      + " database refused, which stays failed until the spec changes or dbops.io/retry is set.")
  public Boolean getTransient() { return transient_; }

  @JsonProperty("transient")
  public void setTransient(Boolean value) { this.transient_ = value; }
}
