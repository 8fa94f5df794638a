package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class Retry {
  @Default("5")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("How many transient failures in a row are retried (after 10 s, doubling up to 10 min)"
      + " before the schema stalls with RetriesExhausted. A failed script is never retried. 0 to 100. Default 5.")
  private Integer limit;

  public Integer getLimit() { return limit; }
  public void setLimit(Integer limit) { this.limit = limit; }
}
