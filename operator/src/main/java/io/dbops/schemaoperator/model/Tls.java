package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "!has(self.mode) || !(self.mode == 'verify-ca' || self.mode == 'verify-full') || has(self.caSecretRef)",
    message = "tls.mode verify-ca and verify-full need caSecretRef: the CA certificate to verify the server against")
public class Tls {
  @Default("require")
  private TlsMode mode;

  private SecretKeyRef caSecretRef;

  public TlsMode getMode() { return mode; }
  public void setMode(TlsMode mode) { this.mode = mode; }
  public SecretKeyRef getCaSecretRef() { return caSecretRef; }
  public void setCaSecretRef(SecretKeyRef caSecretRef) { this.caSecretRef = caSecretRef; }
}
