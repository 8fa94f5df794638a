package io.dbops.schemaoperator.model;

/** The dump taken before the last run. */
public class LastBackup {
  private String job;
  /** Running, Succeeded or Failed. */
  private RunResult result;
  /** Why it failed: the dump tool's last words. */
  private String message;
  /** The file in the claim, relative to its root. */
  private String file;
  private Long bytes;
  private String completionTime;
  /** The schema version the database was at when dumped (empty: nothing applied yet). */
  private String version;
  /** The desiredHash of the run it was taken for. */
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
