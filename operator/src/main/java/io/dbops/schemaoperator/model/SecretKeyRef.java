package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the resource's own namespace. */
public class SecretKeyRef {
  @Required
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The Secret's name, in this resource's namespace.")
  private String name;

  @Required
  @Pattern(Patterns.SECRET_KEY)
  @JsonPropertyDescription("The key within the Secret, e.g. ca.crt.")
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
