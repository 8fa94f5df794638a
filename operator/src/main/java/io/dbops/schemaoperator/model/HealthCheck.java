package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

public class HealthCheck {
  @Default("60")
  @Min(5)
  private Integer intervalSeconds;

  public Integer getIntervalSeconds() { return intervalSeconds; }
  public void setIntervalSeconds(Integer intervalSeconds) { this.intervalSeconds = intervalSeconds; }
}
