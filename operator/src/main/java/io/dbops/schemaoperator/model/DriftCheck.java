package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

public class DriftCheck {
  @Default("300")
  @Min(30)
  private Integer intervalSeconds;

  public Integer getIntervalSeconds() { return intervalSeconds; }
  public void setIntervalSeconds(Integer intervalSeconds) { this.intervalSeconds = intervalSeconds; }
}
