package io.dbops.schemaoperator.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * An embedded PostgreSQL that speaks TLS with a certificate a {@link TestCa} signed, and accepts
 * logins over TCP only with TLS: a client that would fall back to plain text is refused.
 */
public final class TlsPostgres {
  private TlsPostgres() {}

  public static EmbeddedPostgres start(TestCa.ServerFiles server) throws IOException {
    return EmbeddedPostgres.builder()
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", server.certificate().toString())
        .setServerConfig("ssl_key_file", server.privateKey().toString())
        .setDataDirectoryCustomizer(dataDirectory -> {
          try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"),
                "local all all trust\n"
                    + "hostssl all all all trust\n"
                    + "hostnossl all all all reject\n",
                StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
  }
}
