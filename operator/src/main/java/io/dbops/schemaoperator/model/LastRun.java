package io.dbops.schemaoperator.model;

import java.util.ArrayList;
import java.util.List;

public class LastRun {
  private String job;
  /** migrate or repair. */
  private String operation;
  private Integer attempt;
  /** The desiredHash the run's Job was made for. */
  private String desiredHash;
  private RunResult result;
  private String startTime;
  private String completionTime;
  private List<String> applied = new ArrayList<>();

  public String getOperation() { return operation; }
  public void setOperation(String operation) { this.operation = operation; }
  public Integer getAttempt() { return attempt; }
  public void setAttempt(Integer attempt) { this.attempt = attempt; }
  public String getDesiredHash() { return desiredHash; }
  public void setDesiredHash(String desiredHash) { this.desiredHash = desiredHash; }
  public String getJob() { return job; }
  public void setJob(String job) { this.job = job; }
  public RunResult getResult() { return result; }
  public void setResult(RunResult result) { this.result = result; }
  public String getStartTime() { return startTime; }
  public void setStartTime(String startTime) { this.startTime = startTime; }
  public String getCompletionTime() { return completionTime; }
  public void setCompletionTime(String completionTime) { this.completionTime = completionTime; }
  public List<String> getApplied() { return applied; }
  public void setApplied(List<String> applied) { this.applied = applied; }
}
