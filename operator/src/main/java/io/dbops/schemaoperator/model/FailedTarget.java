package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A tenant whose child is Stalled, or could not be made: what went wrong, in the child's own words. */
public class FailedTarget {
  @JsonPropertyDescription("The tenant's DatabaseConnection.")
  private String connection;

  @JsonPropertyDescription("Its child DatabaseSchema; its own status says more.")
  private String schema;

  @JsonPropertyDescription("The child's Ready reason, e.g. MigrationFailed, or NameTaken when the child cannot be made.")
  private String reason;

  @JsonPropertyDescription("What to change, in the child's own words.")
  private String message;

  public FailedTarget() {}

  public FailedTarget(String connection, String schema, String reason, String message) {
    this.connection = connection;
    this.schema = schema;
    this.reason = reason;
    this.message = message;
  }

  public String getConnection() { return connection; }
  public void setConnection(String connection) { this.connection = connection; }
  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
}
