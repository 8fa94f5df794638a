package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

public class LastRun {
  @JsonPropertyDescription("The Job's name, <schema>-<hash>-<attempt>; its Pod's log tells the whole run.")
  private String job;

  /** migrate or repair. */
  @JsonPropertyDescription("migrate, or repair (after the dbops.io/repair annotation).")
  private String operation;

  @Min(0)
  @Max(Limits.INT32)
  @JsonPropertyDescription("Which attempt at this revision the Job is, counting from 1.")
  private Integer attempt;

  @JsonPropertyDescription("The desiredHash the run's Job was made for.")
  private String desiredHash;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  private RunResult result;

  @JsonPropertyDescription("When the Job started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When it finished (RFC 3339); empty while running.")
  private String completionTime;

  @JsonPropertyDescription("The versions this run applied, e.g. [\"3\", \"4\"].")
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
