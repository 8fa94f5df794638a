package io.dbops.schemaoperator.model;

/**
 * Where a migration Job's run stands: status.lastRun.result, the result label of the runs metric
 * and the event a finished run gets all come from this one value.
 */
public enum RunResult {
  Running,
  Succeeded,
  Failed;

  public boolean finished() {
    return this != Running;
  }
}
