package io.dbops.schemaoperator.model;

public class PendingMigration {
  private String version;
  private String description;
  private String script;

  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }
  public String getScript() { return script; }
  public void setScript(String script) { this.script = script; }
}
