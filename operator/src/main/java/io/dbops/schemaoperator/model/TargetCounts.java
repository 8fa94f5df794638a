package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How far a set's rollout is: {@code total} selected connections; {@code updated} children at the
 * current template; {@code ready} of those, Ready; {@code failed} children that are Stalled (at any
 * template) or could not be made.
 */
public class TargetCounts {
  @JsonPropertyDescription("Connections the selector selects.")
  @Min(0)
  @Max(Limits.INT32)
  private int total;

  @JsonPropertyDescription("Children at the current template.")
  @Min(0)
  @Max(Limits.INT32)
  private int updated;

  @JsonPropertyDescription("Children at the current template and Ready.")
  @Min(0)
  @Max(Limits.INT32)
  private int ready;

  @JsonPropertyDescription("Children Stalled (at any template) or that could not be made.")
  @Min(0)
  @Max(Limits.INT32)
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
