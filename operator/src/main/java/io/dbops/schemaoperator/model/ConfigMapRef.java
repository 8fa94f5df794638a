package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A ConfigMap in the same namespace whose keys are Flyway file names. */
public class ConfigMapRef {
  @Required
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The ConfigMap's name, e.g. app-migrations.")
  private String name;

  public ConfigMapRef() {}

  public ConfigMapRef(String name) {
    this.name = name;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
