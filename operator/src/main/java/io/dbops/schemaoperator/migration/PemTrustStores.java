package io.dbops.schemaoperator.migration;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts a PEM CA bundle into a PKCS12 trust store in a temporary file: mysql-connector-j and
 * mssql-jdbc read only key stores. The store holds public certificates only; its password is
 * random and guards nothing secret. One store per bundle content: the operator connects to the same
 * databases again and again, and a new file each time would fill the temporary directory.
 */
final class PemTrustStores implements EngineDialect.TrustStoreFactory {
  private final Map<String, EngineDialect.TrustStore> byContent = new ConcurrentHashMap<>();

  @Override
  public EngineDialect.TrustStore fromPem(Path pem) {
    byte[] bundle;
    try {
      bundle = Files.readAllBytes(pem);
    } catch (IOException e) {
      throw new ConfigurationException("tls.caSecretRef could not be read: " + e.getMessage());
    }
    return byContent.compute(Sha256.hex(bundle), (k, known) -> known != null && Files.isRegularFile(known.path()) ? known : store(bundle));
  }

  private static EngineDialect.TrustStore store(byte[] bundle) {
    List<Certificate> certs = PemCertificates.read(bundle);
    if (certs.isEmpty()) {
      throw new ConfigurationException("tls.caSecretRef holds no PEM certificate");
    }
    try {
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
      throw new ConfigurationException("a trust store for the CA of tls.caSecretRef could not be written: " + e.getMessage());
    }
  }
}
