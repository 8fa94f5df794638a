package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class Timeouts {
  /** How long a statement waits for a table lock before failing (transient). */
  @Default("30")
  @Min(0)
  @Max(86400)
  private Integer lockSeconds;

  /** Longest a single statement may run; 0 means no limit. */
  @Default("0")
  @Min(0)
  @Max(86400)
  private Integer statementSeconds;

  public Integer getLockSeconds() { return lockSeconds; }
  public void setLockSeconds(Integer lockSeconds) { this.lockSeconds = lockSeconds; }
  public Integer getStatementSeconds() { return statementSeconds; }
  public void setStatementSeconds(Integer statementSeconds) { this.statementSeconds = statementSeconds; }
}
