package io.dbops.schemaoperator.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An embedded PostgreSQL whose superuser keeps trust authentication while every other role must
 * bring its password, so wrong-password scenarios really fail.
 */
public final class PasswordCheckingPostgres {
  private PasswordCheckingPostgres() {}

  /** Started, with a login role {@code user} that may create databases, as the scenarios' connections use. */
  public static EmbeddedPostgres withLogin(String user, String password) throws IOException, SQLException {
    EmbeddedPostgres postgres = start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + user + " LOGIN CREATEDB PASSWORD '" + password.replace("'", "''") + "'");
    }
    return postgres;
  }

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
