package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class PendingMigration {
  @JsonPropertyDescription("The script's version, e.g. 5; empty for a repeatable script.")
  private String version;

  @JsonPropertyDescription("The description from the file name, e.g. add orders.")
  private String description;

  @JsonPropertyDescription("The script's file name, e.g. V5__add_orders.sql.")
  private String script;

  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }
  public String getScript() { return script; }
  public void setScript(String script) { this.script = script; }
}
