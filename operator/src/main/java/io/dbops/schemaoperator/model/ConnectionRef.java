package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A DatabaseConnection in the same namespace. */
public class ConnectionRef {
  @Required
  @Pattern(Patterns.K8S_NAME)
  private String name;

  public ConnectionRef() {}

  public ConnectionRef(String name) {
    this.name = name;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
