package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Secret in the same namespace holding a username and a password. */
public class Credentials {
  @Required
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The Secret, in this namespace, that holds the database user's name and password"
      + " (e.g. kubectl create secret generic app-db --from-literal=username=app --from-literal=password=...).")
  private String secretName;

  @Default("username")
  @Pattern(Patterns.SECRET_KEY)
  @JsonPropertyDescription("The Secret's key holding the user name. Default username.")
  private String usernameKey = "username";

  @Default("password")
  @Pattern(Patterns.SECRET_KEY)
  @JsonPropertyDescription("The Secret's key holding the password. Default password.")
  private String passwordKey = "password";

  public String getSecretName() { return secretName; }
  public void setSecretName(String secretName) { this.secretName = secretName; }
  public String getUsernameKey() { return usernameKey; }
  public void setUsernameKey(String usernameKey) { this.usernameKey = usernameKey; }
  public String getPasswordKey() { return passwordKey; }
  public void setPasswordKey(String passwordKey) { this.passwordKey = passwordKey; }
}
