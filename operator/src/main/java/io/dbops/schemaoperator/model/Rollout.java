package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How a new template reaches the children: a few canaries first, then the rest a batch at a time. */
public class Rollout {
  /** Children moved to a new template first; the others wait until these are Ready. */
  @Default("1")
  @Min(0)
  @Max(1000)
  private Integer canary;

  /** Children in progress at once (moved to the template and not yet Ready or failed) once the canaries are Ready. */
  @Default("10")
  @Min(1)
  @Max(10000)
  private Integer maxParallel;

  @Default("Stop")
  private OnFailure onFailure;

  public Integer getCanary() { return canary; }
  public void setCanary(Integer canary) { this.canary = canary; }
  public Integer getMaxParallel() { return maxParallel; }
  public void setMaxParallel(Integer maxParallel) { this.maxParallel = maxParallel; }
  public OnFailure getOnFailure() { return onFailure; }
  public void setOnFailure(OnFailure onFailure) { this.onFailure = onFailure; }
}
