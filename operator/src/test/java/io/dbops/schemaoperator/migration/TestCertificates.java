package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.testing.Keytool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Self-signed certificates made the way an operator's user makes them, only with the JDK's own
 * keytool instead of openssl: a key pair, a certificate for some host names, and its PEM export,
 * which is what a user puts in the Secret named by tls.caSecretRef.
 */
final class TestCertificates {
  private static final char[] PASSWORD = "keytool-test".toCharArray();

  private TestCertificates() {}

  /** A server's key store and the PEM of its self-signed certificate, which is also its CA. */
  record Identity(Path keyStore, Path pem, X509Certificate certificate) {

    /** A TLS context that presents this certificate, for a test server. */
    SSLContext serverContext() {
      try (InputStream in = Files.newInputStream(keyStore)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, PASSWORD);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot load the test key store " + keyStore, e);
      }
    }

    String pemText() {
      try {
        return Files.readString(pem, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Runs {@code keytool -genkeypair} and {@code keytool -exportcert -rfc}.
   *
   * @param names subject alternative names in keytool's form, e.g. {@code dns:localhost}, {@code ip:127.0.0.1};
   *     the first DNS name is also the common name
   */
  static Identity selfSigned(Path dir, String... names) {
    String cn = "test-ca";
    for (String n : names) {
      if (n.startsWith("dns:")) {
        cn = n.substring(4);
        break;
      }
    }
    Path keyStore = dir.resolve(cn + "-" + System.nanoTime() + ".p12");
    Path pem = dir.resolve(keyStore.getFileName().toString().replace(".p12", ".pem"));
    List<String> generate = new ArrayList<>(List.of(
        Keytool.path(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + cn + ", O=schema-operator tests", "-validity", "2",
        "-ext", "BC:c=ca:true",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"));
    if (names.length > 0) {
      generate.addAll(List.of("-ext", "SAN=" + String.join(",", names)));
    }
    Keytool.run(generate);
    Keytool.run(List.of(Keytool.path(), "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-file", pem.toString()));
    try (InputStream in = Files.newInputStream(pem)) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return new Identity(keyStore, pem, cert);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("keytool wrote a PEM the JDK cannot read: " + pem, e);
    }
  }
}
