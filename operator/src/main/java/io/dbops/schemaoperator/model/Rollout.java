package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How a new template reaches the children: a few canaries first, then the rest a batch at a time. */
public class Rollout {
  @JsonPropertyDescription("Children moved to a new template first; the others wait until these are Ready. Default 1.")
  @Default("1")
  @Min(0)
  @Max(1000)
  private Integer canary;

  @JsonPropertyDescription("Children migrating at once (moved to the template and not yet Ready or failed) after the"
      + " canaries. Default 10.")
  @Default("10")
  @Min(1)
  @Max(10000)
  private Integer maxParallel;

  @JsonPropertyDescription("Stop (default): no further child starts after a failure. Continue: the others go on.")
  @Default("Stop")
  private OnFailure onFailure;

  public Integer getCanary() { return canary; }
  public void setCanary(Integer canary) { this.canary = canary; }
  public Integer getMaxParallel() { return maxParallel; }
  public void setMaxParallel(Integer maxParallel) { this.maxParallel = maxParallel; }
  public OnFailure getOnFailure() { return onFailure; }
  public void setOnFailure(OnFailure onFailure) { this.onFailure = onFailure; }
}
