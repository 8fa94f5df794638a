package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "!has(self.mode) || !(self.mode == 'verify-ca' || self.mode == 'verify-full') || has(self.caSecretRef)",
    message = "tls.mode verify-ca and verify-full need caSecretRef: the CA certificate to verify the server against")
public class Tls {
  @Default("require")
  @JsonPropertyDescription("disable: no encryption; require: encrypted, the certificate not checked (what a"
      + " self-signed server needs); verify-ca: the certificate must be signed by caSecretRef's CA; verify-full: and"
      + " name the host. Default require.")
  private TlsMode mode;

  @JsonPropertyDescription("The CA certificate (PEM) that verify-ca and verify-full check the server's certificate"
      + " against, as a Secret key in this namespace, e.g. {name: db-ca, key: ca.crt}.")
  private SecretKeyRef caSecretRef;

  public TlsMode getMode() { return mode; }
  public void setMode(TlsMode mode) { this.mode = mode; }
  public SecretKeyRef getCaSecretRef() { return caSecretRef; }
  public void setCaSecretRef(SecretKeyRef caSecretRef) { this.caSecretRef = caSecretRef; }
}
