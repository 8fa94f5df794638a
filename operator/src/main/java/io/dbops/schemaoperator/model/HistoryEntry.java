package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class HistoryEntry {
  @JsonPropertyDescription("The applied script's version; empty for a repeatable script.")
  private String version;

  @JsonPropertyDescription("The description from the file name.")
  private String description;

  @Min(Integer.MIN_VALUE)
  @Max(Limits.INT32)
  @JsonPropertyDescription("Flyway's checksum of the script as applied; a script edited since no longer matches it.")
  private Integer checksum;

  @JsonPropertyDescription("When it was applied, as the database recorded it.")
  private String installedOn;

  @Min(0)
  @Max(Limits.INT32)
  @JsonPropertyDescription("How long it took to apply, in milliseconds.")
  private Integer executionMillis;

  @JsonPropertyDescription("false for a script that failed part-way (MySQL/MariaDB): repair is needed before more run.")
  private Boolean success;

  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }
  public Integer getChecksum() { return checksum; }
  public void setChecksum(Integer checksum) { this.checksum = checksum; }
  public String getInstalledOn() { return installedOn; }
  public void setInstalledOn(String installedOn) { this.installedOn = installedOn; }
  public Integer getExecutionMillis() { return executionMillis; }
  public void setExecutionMillis(Integer executionMillis) { this.executionMillis = executionMillis; }
  public Boolean getSuccess() { return success; }
  public void setSuccess(Boolean success) { this.success = success; }
}
