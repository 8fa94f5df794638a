package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The dump taken before the last run. */
public class LastBackup {
  @JsonPropertyDescription("The backup Job's name; its Pod's log tells the whole dump.")
  private String job;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  private RunResult result;

  @JsonPropertyDescription("Why it failed: the dump tool's last words.")
  private String message;

  @JsonPropertyDescription("The dump's file in the claim, relative to its root, e.g. app-schema/app-schema-20261202T101500Z-v4.dump.")
  private String file;

  @JsonPropertyDescription("The dump's size in bytes.")
  @Min(0)
  @Max(Limits.SAFE_INTEGER)
  private Long bytes;

  @JsonPropertyDescription("When the dump finished (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("The version the database was at when dumped; empty when nothing was applied yet.")
  private String version;

  @JsonPropertyDescription("The desiredHash of the run it was taken before.")
  private String desiredHash;

  public RunResult getResult() { return result; }
  public void setResult(RunResult result) { this.result = result; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getJob() { return job; }
  public void setJob(String job) { this.job = job; }
  public String getFile() { return file; }
  public void setFile(String file) { this.file = file; }
  public Long getBytes() { return bytes; }
  public void setBytes(Long bytes) { this.bytes = bytes; }
  public String getCompletionTime() { return completionTime; }
  public void setCompletionTime(String completionTime) { this.completionTime = completionTime; }
  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
  public String getDesiredHash() { return desiredHash; }
  public void setDesiredHash(String desiredHash) { this.desiredHash = desiredHash; }
}
