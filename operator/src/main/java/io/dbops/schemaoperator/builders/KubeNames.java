package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.migration.Sha256;
import java.util.regex.Pattern;

/** Names and hashes for the objects the builders make; the API server's rules, checked before it does. */
final class KubeNames {
  /** RFC 1123 label: what Job and volume names must be. */
  static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  /** RFC 1123 subdomain: what ConfigMap names must be. */
  static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  static final int MAX_LABEL = 63;
  static final int MAX_SUBDOMAIN = 253;

  /** Characters of a name's own hash kept when the name had to be shortened or rewritten. */
  private static final int DISAMBIGUATOR = 5;

  private KubeNames() {}

  /**
   * A prefix of at most {@code budget} characters that stands for {@code name}. Unchanged when it
   * fits; otherwise shortened and given a few characters of the name's hash, because two long names
   * that share their first characters would otherwise get the same object name and the second
   * create would fail (or, worse, adopt the other resource's object).
   */
  static String fit(String name, int budget) {
    if (name.length() <= budget) {
      return name;
    }
    return trimEnd(name.substring(0, budget - DISAMBIGUATOR - 1)) + "-" + Sha256.hex(name).substring(0, DISAMBIGUATOR);
  }

  /**
   * A DNS-label prefix of at most {@code budget} characters for a resource name, which may be a
   * subdomain with dots. Rewriting dots merges "a.b" with "a-b", so a rewritten name also gets its hash.
   */
  static String labelPrefix(String name, int budget) {
    if (name.indexOf('.') < 0) {
      return fit(name, budget);
    }
    String dashed = name.replace('.', '-');
    String kept = trimEnd(dashed.substring(0, Math.min(dashed.length(), budget - DISAMBIGUATOR - 1)));
    return kept + "-" + Sha256.hex(name).substring(0, DISAMBIGUATOR);
  }

  /** A cut name may end in '-' or '.', which neither a label nor a subdomain may. */
  private static String trimEnd(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '-' || s.charAt(end - 1) == '.')) {
      end--;
    }
    return s.substring(0, end);
  }
}
