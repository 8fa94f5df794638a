package io.dbops.schemaoperator.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * An embedded PostgreSQL whose superuser keeps trust authentication while every other role must
 * bring its password, so wrong-password scenarios really fail.
 */
public final class PasswordCheckingPostgres {
  private PasswordCheckingPostgres() {}

  public static EmbeddedPostgres start() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectoryCustomizer(dataDirectory -> {
          try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"),
                "local all all trust\n"
                    + "host all postgres all trust\n"
                    + "host all all all scram-sha-256\n",
                StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
  }
}
