package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A DatabaseConnection in the same namespace. */
public class ConnectionRef {
  @Required
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The DatabaseConnection's name, e.g. app-db.")
  private String name;

  public ConnectionRef() {}

  public ConnectionRef(String name) {
    this.name = name;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
