package io.dbops.schemaoperator.model;

/**
 * How far a set's rollout is: {@code total} selected connections; {@code updated} children at the
 * current template; {@code ready} of those, Ready; {@code failed} children that are Stalled (at any
 * template) or could not be made.
 */
public class TargetCounts {
  private int total;
  private int updated;
  private int ready;
  private int failed;

  public TargetCounts() {}

  public TargetCounts(int total, int updated, int ready, int failed) {
    this.total = total;
    this.updated = updated;
    this.ready = ready;
    this.failed = failed;
  }

  public int getTotal() { return total; }
  public void setTotal(int total) { this.total = total; }
  public int getUpdated() { return updated; }
  public void setUpdated(int updated) { this.updated = updated; }
  public int getReady() { return ready; }
  public void setReady(int ready) { this.ready = ready; }
  public int getFailed() { return failed; }
  public void setFailed(int failed) { this.failed = failed; }
}
