package io.dbops.schemaoperator.model;

public class HistoryEntry {
  private String version;
  private String description;
  private Integer checksum;
  private String installedOn;
  private Integer executionMillis;
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
