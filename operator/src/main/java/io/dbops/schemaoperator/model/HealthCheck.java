package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class HealthCheck {
  @Default("60")
  @Min(5)
  @Max(Limits.YEAR_SECONDS)
  @JsonPropertyDescription("Seconds between two probes of a reachable database (5 to 31536000, a year). An"
      + " unreachable one is retried sooner. Default 60.")
  private Integer intervalSeconds;

  public Integer getIntervalSeconds() { return intervalSeconds; }
  public void setIntervalSeconds(Integer intervalSeconds) { this.intervalSeconds = intervalSeconds; }
}
