package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class Retry {
  @Default("5")
  @Min(0)
  @Max(100)
  private Integer limit;

  public Integer getLimit() { return limit; }
  public void setLimit(Integer limit) { this.limit = limit; }
}
