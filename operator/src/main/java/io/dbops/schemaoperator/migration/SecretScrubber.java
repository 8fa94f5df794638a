package io.dbops.schemaoperator.migration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is printed, stored in a result or thrown. Drivers echo URLs
 * and sometimes passwords in their messages; this is the one place that cleans them.
 */
public final class SecretScrubber {
  private static final String MASK = "****";
  private static final Pattern KEY_VALUE_SECRET =
      Pattern.compile("(?i)((?:password|pwd|passwd|secret|token)\\s*[=:]\\s*)(?!(?:YES|NO)\\b)([^;&\\s,'\"()]+)");
  private static final Pattern URL_USERINFO = Pattern.compile("(?i)(://)([^/@\\s:]+):([^/@\\s]+)@");

  private final List<String> secrets;

  public SecretScrubber(List<String> secrets) {
    List<String> sorted = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && !s.isEmpty()) {
        sorted.add(s);
      }
    }
    // Longest first, so a password inside a secret URL does not leave the URL half-masked.
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(sorted);
  }

  public static SecretScrubber of(Login login) {
    return new SecretScrubber(login == null ? List.of() : login.secretValues());
  }

  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    out = URL_USERINFO.matcher(out).replaceAll("$1$2:" + MASK + "@");
    out = KEY_VALUE_SECRET.matcher(out).replaceAll("$1" + MASK);
    return out;
  }
}
