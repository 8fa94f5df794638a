package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A whole JDBC URL, login included, kept in a Secret. */
public class UrlFrom {
  @Required
  @JsonPropertyDescription("The Secret key holding the URL, e.g. jdbc:postgresql://db.prod.svc:5432/app?user=app&password=...")
  private SecretKeyRef secretKeyRef;

  public SecretKeyRef getSecretKeyRef() { return secretKeyRef; }
  public void setSecretKeyRef(SecretKeyRef secretKeyRef) { this.secretKeyRef = secretKeyRef; }
}
