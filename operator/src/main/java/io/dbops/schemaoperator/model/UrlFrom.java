package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Required;

/** A whole JDBC URL, login included, kept in a Secret. */
public class UrlFrom {
  @Required
  private SecretKeyRef secretKeyRef;

  public SecretKeyRef getSecretKeyRef() { return secretKeyRef; }
  public void setSecretKeyRef(SecretKeyRef secretKeyRef) { this.secretKeyRef = secretKeyRef; }
}
