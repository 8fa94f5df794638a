package io.dbops.schemaoperator.model;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which Secret keys a connection's login and CA come from, defaults applied. The operator's own
 * reads, the migration Job's secretKeyRef env and volumes, the Secret informer's mapping and the
 * local commands all start here, so they can never disagree about where a login lives.
 *
 * @param url the whole JDBC URL (urlFrom); when set, username and password are empty
 * @param ca the CA bundle named by tls.caSecretRef
 */
public record ConnectionSecretRefs(Optional<SecretKeyRef> url, Optional<SecretKeyRef> username,
    Optional<SecretKeyRef> password, Optional<SecretKeyRef> ca) {
  public static final String DEFAULT_USERNAME_KEY = "username";
  public static final String DEFAULT_PASSWORD_KEY = "password";

  public static ConnectionSecretRefs of(DatabaseConnectionSpec spec) {
    Optional<SecretKeyRef> ca = spec.getTls() == null ? Optional.empty() : Optional.ofNullable(spec.getTls().getCaSecretRef());
    if (spec.getUrlFrom() != null && spec.getUrlFrom().getSecretKeyRef() != null) {
      return new ConnectionSecretRefs(Optional.of(spec.getUrlFrom().getSecretKeyRef()), Optional.empty(), Optional.empty(), ca);
    }
    Credentials c = spec.getCredentials();
    if (c == null || c.getSecretName() == null) {
      return new ConnectionSecretRefs(Optional.empty(), Optional.empty(), Optional.empty(), ca);
    }
    return new ConnectionSecretRefs(Optional.empty(),
        Optional.of(new SecretKeyRef(c.getSecretName(), orDefault(c.getUsernameKey(), DEFAULT_USERNAME_KEY))),
        Optional.of(new SecretKeyRef(c.getSecretName(), orDefault(c.getPasswordKey(), DEFAULT_PASSWORD_KEY))),
        ca);
  }

  /** Whether a login is named at all (a URL, or a username and password). */
  public boolean hasLogin() {
    return url.isPresent() || username.isPresent();
  }

  /** The names of every Secret these keys live in. */
  public Set<String> secretNames() {
    Set<String> names = new LinkedHashSet<>();
    url.ifPresent(r -> names.add(r.getName()));
    username.ifPresent(r -> names.add(r.getName()));
    password.ifPresent(r -> names.add(r.getName()));
    ca.ifPresent(r -> names.add(r.getName()));
    return names;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
