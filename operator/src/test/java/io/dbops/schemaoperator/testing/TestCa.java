package io.dbops.schemaoperator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority made the way a user makes one, with the JDK's keytool instead of openssl:
 * a CA key pair, then server certificates it signs (a request, then {@code -gencert}). What a
 * database server needs comes out as PEM files; what a user puts in tls.caSecretRef is {@link #pem()}.
 */
public final class TestCa {
  private static final String PASSWORD = "keytool-test";
  private final Path dir;
  private final Path keyStore;
  private final Path pem;

  private TestCa(Path dir, Path keyStore, Path pem) {
    this.dir = dir;
    this.keyStore = keyStore;
    this.pem = pem;
  }

  /** A server's certificate and key, as PEM files a server reads (the key readable by its owner only). */
  public record ServerFiles(Path certificate, Path privateKey) {}

  public static TestCa create(Path dir, String name) {
    Path keyStore = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    Keytool.run(List.of(Keytool.path(), "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name + ", O=schema-operator tests", "-validity", "2",
        "-ext", "BC:c=ca:true", "-ext", "KU=keyCertSign,cRLSign",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
    Keytool.run(List.of(Keytool.path(), "-exportcert", "-rfc", "-alias", "ca", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-file", pem.toString()));
    return new TestCa(dir, keyStore, pem);
  }

  /** The CA certificate as PEM: what the Secret named by tls.caSecretRef holds. */
  public String pem() {
    try {
      return Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A server certificate signed by this CA.
   *
   * @param names subject alternative names in keytool's form, e.g. {@code dns:localhost}
   */
  public ServerFiles issue(String commonName, String... names) {
    Path serverStore = dir.resolve(commonName + "-" + System.nanoTime() + ".p12");
    Path request = dir.resolve(serverStore.getFileName() + ".csr");
    Path certificate = dir.resolve(serverStore.getFileName() + ".crt");
    Path privateKey = dir.resolve(serverStore.getFileName() + ".key");
    Keytool.run(List.of(Keytool.path(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + commonName, "-validity", "2",
        "-keystore", serverStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
    Keytool.run(List.of(Keytool.path(), "-certreq", "-alias", "server", "-keystore", serverStore.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-file", request.toString()));
    List<String> sign = new ArrayList<>(List.of(Keytool.path(), "-gencert", "-rfc", "-alias", "ca", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-infile", request.toString(), "-outfile", certificate.toString(),
        "-validity", "2", "-ext", "EKU=serverAuth"));
    if (names.length > 0) {
      sign.addAll(List.of("-ext", "SAN=" + String.join(",", names)));
    }
    Keytool.run(sign);
    try (InputStream in = Files.newInputStream(serverStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      Key key = store.getKey("server", PASSWORD.toCharArray());
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
      Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
      // Servers refuse a private key others can read.
      Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot export the server key from " + serverStore, e);
    }
    return new ServerFiles(certificate, privateKey);
  }
}
