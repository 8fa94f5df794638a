package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the resource's own namespace. */
public class SecretKeyRef {
  @Required
  @Pattern(Patterns.K8S_NAME)
  private String name;

  @Required
  @Pattern(Patterns.SECRET_KEY)
  private String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
}
