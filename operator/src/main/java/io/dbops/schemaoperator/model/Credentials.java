package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Secret in the same namespace holding a username and a password. */
public class Credentials {
  @Required
  @Pattern(Patterns.K8S_NAME)
  private String secretName;

  @Default("username")
  @Pattern(Patterns.SECRET_KEY)
  private String usernameKey = "username";

  @Default("password")
  @Pattern(Patterns.SECRET_KEY)
  private String passwordKey = "password";

  public String getSecretName() { return secretName; }
  public void setSecretName(String secretName) { this.secretName = secretName; }
  public String getUsernameKey() { return usernameKey; }
  public void setUsernameKey(String usernameKey) { this.usernameKey = usernameKey; }
  public String getPasswordKey() { return passwordKey; }
  public void setPasswordKey(String passwordKey) { this.passwordKey = passwordKey; }
}
