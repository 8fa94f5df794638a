package io.dbops.schemaoperator.migration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;

/**
 * A CA bundle read as the drivers will read it: one or more X.509 certificates. Read when the
 * operator takes the bundle from its Secret, so that a bundle no driver can use is refused then,
 * not found out by a driver after it has connected (pgjdbc reads it only once the server answers).
 */
public final class PemCertificates {
  private PemCertificates() {}

  /** The certificates of {@code bundle}; none when it holds none or cannot be read as certificates. */
  public static List<Certificate> read(byte[] bundle) {
    try (InputStream in = new ByteArrayInputStream(bundle)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      return List.copyOf(certificates);
    } catch (CertificateException | IOException e) {
      return List.of();
    }
  }

  /** Whether {@code pem} holds at least one certificate. */
  public static boolean holdsCertificates(String pem) {
    return pem != null && !read(pem.getBytes(StandardCharsets.UTF_8)).isEmpty();
  }
}
