package io.dbops.schemaoperator.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Converts a PEM CA bundle into a PKCS12 trust store in a temporary file: mysql-connector-j and
 * mssql-jdbc read only key stores. The store holds public certificates only; its password is
 * random and guards nothing secret.
 */
final class PemTrustStores implements EngineDialect.TrustStoreFactory {

  @Override
  public EngineDialect.TrustStore fromPem(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ConfigurationException("tls.caSecretRef holds no PEM certificate");
      }
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      String password = HexFormat.of().formatHex(random);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      Path file = Files.createTempFile("schema-operator-ca", ".p12");
      file.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return new EngineDialect.TrustStore(file, password, "PKCS12");
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException("tls.caSecretRef does not hold a readable PEM certificate: " + e.getMessage());
    }
  }
}
