package io.dbops.schemaoperator.model;

public class Failure {
  private String version;
  private String script;
  private String sqlState;
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

  @com.fasterxml.jackson.annotation.JsonProperty("transient")
  public Boolean getTransient() { return transient_; }

  @com.fasterxml.jackson.annotation.JsonProperty("transient")
  public void setTransient(Boolean value) { this.transient_ = value; }
}
