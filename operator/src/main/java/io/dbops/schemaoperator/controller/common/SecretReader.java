package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.PemCertificates;
import io.dbops.schemaoperator.model.ConnectionSecretRefs;
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
 * Reads a connection's login and CA from Secrets in its namespace, at the keys
 * {@link ConnectionSecretRefs} names. A missing Secret or key, or a value that is not base64, is an
 * answer, not an exception: the reason and the name looked for go into status, never the value.
 */
public final class SecretReader {
  /** A Secret whose value cannot be a login, URL or certificate as it stands. */
  public static final String SECRET_INVALID = "SecretInvalid";
  private final Function<String, Optional<Secret>> secretsByName;
  private final boolean caContentUsed;

  /** {@code secretsByName} looks a Secret up by name in the connection's namespace. */
  public SecretReader(Function<String, Optional<Secret>> secretsByName) {
    this(secretsByName, true);
  }

  private SecretReader(Function<String, Optional<Secret>> secretsByName, boolean caContentUsed) {
    this.secretsByName = secretsByName;
    this.caContentUsed = caContentUsed;
  }

  /**
   * A reader for connections redirected to a server without TLS (the local commands' --embedded):
   * the CA Secret must exist, but what it holds is never used, and the examples hold a placeholder there.
   */
  public static SecretReader forServerWithoutTls(Function<String, Optional<Secret>> secretsByName) {
    return new SecretReader(secretsByName, false);
  }

  /** A value, or why there is none. */
  public record Lookup<T>(T value, String reason, String message) {
    public boolean found() {
      return value != null;
    }

    public static <T> Lookup<T> of(T value) {
      return new Lookup<>(value, null, null);
    }

    public static <T> Lookup<T> missing(String reason, String message) {
      return new Lookup<>(null, reason, message);
    }

    public <U> Lookup<U> absent() {
      return missing(reason, message);
    }
  }

  public Lookup<Login> login(DatabaseConnectionSpec spec) {
    ConnectionSecretRefs refs = ConnectionSecretRefs.of(spec);
    if (refs.url().isPresent()) {
      SecretKeyRef ref = refs.url().get();
      Lookup<String> url = value(ref);
      if (!url.found()) {
        return url.absent();
      }
      try {
        return Lookup.of(Login.ofUrl(url.value()));
      } catch (ConfigurationException e) {
        return Lookup.missing(SECRET_INVALID, "Secret " + ref.getName() + " key " + ref.getKey() + ": " + e.getMessage());
      }
    }
    if (!refs.hasLogin()) {
      return Lookup.missing("CredentialsMissing", "spec.credentials.secretName is not set: name the Secret holding the login");
    }
    Lookup<String> username = value(refs.username().get());
    if (!username.found()) {
      return username.absent();
    }
    Lookup<String> password = value(refs.password().get());
    if (!password.found()) {
      return password.absent();
    }
    try {
      return Lookup.of(Login.of(username.value(), password.value()));
    } catch (ConfigurationException e) {
      return Lookup.missing(SECRET_INVALID, "Secret " + refs.username().get().getName() + ": " + e.getMessage());
    }
  }

  /**
   * The PEM bundle tls.caSecretRef names; an empty string when it names none. A value that holds no
   * certificate (empty, a key, text) is refused here, before any connection: pgjdbc would read it
   * only after connecting, and report it as an unreachable server.
   */
  public Lookup<String> caCertificate(DatabaseConnectionSpec spec) {
    Optional<SecretKeyRef> ca = ConnectionSecretRefs.of(spec).ca();
    if (ca.isEmpty()) {
      return Lookup.of("");
    }
    Lookup<String> pem = value(ca.get());
    if (caContentUsed && pem.found() && !PemCertificates.holdsCertificates(pem.value())) {
      return Lookup.missing(SECRET_INVALID, "Secret " + ca.get().getName() + " key " + ca.get().getKey()
          + " (tls.caSecretRef) holds no certificate: put the PEM certificate of the CA that signed the server's certificate"
          + " there (-----BEGIN CERTIFICATE-----)");
    }
    return pem;
  }

  private Lookup<String> value(SecretKeyRef ref) {
    String secretName = ref.getName();
    String key = ref.getKey();
    Optional<Secret> secret = secretsByName.apply(secretName);
    if (secret.isEmpty()) {
      return Lookup.missing("SecretNotFound", "Secret " + secretName + " not found in this namespace: create it");
    }
    Secret s = secret.get();
    if (s.getData() != null && s.getData().get(key) != null) {
      try {
        byte[] bytes = Base64.getMimeDecoder().decode(s.getData().get(key).trim());
        return Lookup.of(StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString());
      } catch (IllegalArgumentException e) {
        return Lookup.missing(SECRET_INVALID, "Secret " + secretName + " key " + key
            + " is not base64: store the value under data as base64, or as text under stringData");
      } catch (CharacterCodingException e) {
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
}
