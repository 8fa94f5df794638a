package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class Timeouts {
  @Default("30")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription("Seconds a statement waits for a lock another session holds before it fails with a lock"
      + " timeout (transient: retried). 0 means do not wait: fail at once if the lock is taken (MySQL waits 1 s,"
      + " its least). 0 to 86400. Default 30.")
  private Integer lockSeconds;

  @Default("0")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription("Seconds a single statement may run before the server cancels it; 0 means no limit."
      + " MySQL applies it to SELECTs only; SQL Server not at all (use parameters.queryTimeout). 0 to 86400."
      + " Default 0.")
  private Integer statementSeconds;

  public Integer getLockSeconds() { return lockSeconds; }
  public void setLockSeconds(Integer lockSeconds) { this.lockSeconds = lockSeconds; }
  public Integer getStatementSeconds() { return statementSeconds; }
  public void setStatementSeconds(Integer statementSeconds) { this.statementSeconds = statementSeconds; }
}
