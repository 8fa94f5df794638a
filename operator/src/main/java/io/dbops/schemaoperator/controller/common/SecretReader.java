package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a connection's login and CA from Secrets in its namespace. A missing Secret or key is an
 * answer, not an exception: the reason and the name looked for go into status.
 */
public final class SecretReader {
  /** A Secret whose value cannot be a login, URL or certificate as it stands. */
  public static final String SECRET_INVALID = "SecretInvalid";
  private final Function<String, Optional<Secret>> secretsByName;

  /** {@code secretsByName} looks a Secret up by name in the connection's namespace. */
  public SecretReader(Function<String, Optional<Secret>> secretsByName) {
    this.secretsByName = secretsByName;
  }

  /** A value, or why there is none. */
  public record Lookup<T>(T value, String reason, String message) {
    public boolean found() {
      return value != null;
    }

    static <T> Lookup<T> of(T value) {
      return new Lookup<>(value, null, null);
    }

    static <T> Lookup<T> missing(String reason, String message) {
      return new Lookup<>(null, reason, message);
    }
  }

  public Lookup<Login> login(DatabaseConnectionSpec spec) {
    if (spec.getUrlFrom() != null && spec.getUrlFrom().getSecretKeyRef() != null) {
      SecretKeyRef ref = spec.getUrlFrom().getSecretKeyRef();
      Lookup<String> url = value(ref.getName(), ref.getKey());
      if (!url.found()) {
        return Lookup.missing(url.reason(), url.message());
      }
      try {
        return Lookup.of(Login.ofUrl(url.value()));
      } catch (ConfigurationException e) {
        return Lookup.missing(SECRET_INVALID, "Secret " + ref.getName() + " key " + ref.getKey() + ": " + e.getMessage());
      }
    }
    if (spec.getCredentials() == null) {
      return Lookup.missing("CredentialsMissing", "spec.credentials.secretName is not set: name the Secret holding the login");
    }
    String name = spec.getCredentials().getSecretName();
    Lookup<String> username = value(name, orDefault(spec.getCredentials().getUsernameKey(), "username"));
    if (!username.found()) {
      return Lookup.missing(username.reason(), username.message());
    }
    Lookup<String> password = value(name, orDefault(spec.getCredentials().getPasswordKey(), "password"));
    if (!password.found()) {
      return Lookup.missing(password.reason(), password.message());
    }
    try {
      return Lookup.of(Login.of(username.value(), password.value()));
    } catch (ConfigurationException e) {
      return Lookup.missing(SECRET_INVALID, "Secret " + name + ": " + e.getMessage());
    }
  }

  public Lookup<String> caCertificate(DatabaseConnectionSpec spec) {
    if (spec.getTls() == null || spec.getTls().getCaSecretRef() == null) {
      return Lookup.of("");
    }
    SecretKeyRef ref = spec.getTls().getCaSecretRef();
    return value(ref.getName(), ref.getKey());
  }

  private Lookup<String> value(String secretName, String key) {
    Optional<Secret> secret = secretsByName.apply(secretName);
    if (secret.isEmpty()) {
      return Lookup.missing("SecretNotFound", "Secret " + secretName + " not found in this namespace: create it");
    }
    Secret s = secret.get();
    if (s.getData() != null && s.getData().get(key) != null) {
      try {
        byte[] bytes = Base64.getDecoder().decode(s.getData().get(key).trim());
        return Lookup.of(StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString());
      } catch (IllegalArgumentException | CharacterCodingException e) {
        // Read as replacement characters it would be a wrong password, with no word on why.
        return Lookup.missing(SECRET_INVALID, "Secret " + secretName + " key " + key
            + " is not UTF-8 text: store the value as text (kubectl create secret generic --from-literal)");
      }
    }
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return Lookup.of(s.getStringData().get(key));
    }
    return Lookup.missing("SecretKeyMissing", "Secret " + secretName + " has no key " + key + ": add it, or name the right key in the spec");
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
