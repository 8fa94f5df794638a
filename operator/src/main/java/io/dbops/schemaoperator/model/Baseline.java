package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** How to adopt an existing, non-empty database whose schema predates the migrations. */
public class Baseline {
  @Default("false")
  private Boolean onMigrate;

  @Default("1")
  @Pattern(Patterns.VERSION)
  private String version;

  public Boolean getOnMigrate() { return onMigrate; }
  public void setOnMigrate(Boolean onMigrate) { this.onMigrate = onMigrate; }
  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
}
