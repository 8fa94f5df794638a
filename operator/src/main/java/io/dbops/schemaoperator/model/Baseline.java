package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** How to adopt an existing, non-empty database whose schema predates the migrations. */
public class Baseline {
  @Default("false")
  @JsonPropertyDescription("When the schema holds tables but no Flyway history, record it as being at version and"
      + " apply only later scripts, instead of refusing. Default false.")
  private Boolean onMigrate;

  @Default("1")
  @Pattern(Patterns.VERSION)
  @JsonPropertyDescription("The version the existing schema counts as, e.g. 3: scripts up to it are skipped."
      + " Default 1.")
  private String version;

  public Boolean getOnMigrate() { return onMigrate; }
  public void setOnMigrate(Boolean onMigrate) { this.onMigrate = onMigrate; }
  public String getVersion() { return version; }
  public void setVersion(String version) { this.version = version; }
}
