package io.dbops.schemaoperator.jobenv;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.Login;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A login from environment variables, as a migration Job receives it through secretKeyRef:
 * DBOPS_USERNAME and DBOPS_PASSWORD, or DBOPS_JDBC_URL; each may instead name a file with the
 * _FILE suffix (a mounted Secret).
 */
public final class EnvironmentLogin {
  public static final String USERNAME = "DBOPS_USERNAME";
  public static final String PASSWORD = "DBOPS_PASSWORD";
  public static final String JDBC_URL = "DBOPS_JDBC_URL";

  private EnvironmentLogin() {}

  public static Optional<Login> from(Map<String, String> env) {
    Optional<String> url = value(env, JDBC_URL);
    if (url.isPresent()) {
      return Optional.of(Login.ofUrl(url.get()));
    }
    Optional<String> username = value(env, USERNAME);
    if (username.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Login.of(username.get(), value(env, PASSWORD).orElse("")));
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String direct = env.get(name);
    if (direct != null) {
      return Optional.of(direct);
    }
    String file = env.get(name + "_FILE");
    if (file == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new ConfigurationException(name + "_FILE names " + file + ", which cannot be read");
    }
  }
}
