package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class DriftCheck {
  @Default("300")
  @Min(30)
  @Max(Limits.YEAR_SECONDS)
  @JsonPropertyDescription("Seconds between two checks that the applied scripts still match the database's history"
      + " (Drifted=True when not; the operator reports and changes nothing). 30 to 31536000. Default 300.")
  private Integer intervalSeconds;

  public Integer getIntervalSeconds() { return intervalSeconds; }
  public void setIntervalSeconds(Integer intervalSeconds) { this.intervalSeconds = intervalSeconds; }
}
