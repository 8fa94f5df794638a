package io.dbops.schemaoperator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Looks for secret values in text the operator and its Jobs put out: each value in plain, in
 * base64 (at each of the three alignments it can have inside a longer encoded text, standard and
 * URL-safe alphabets), URL-encoded, JSON-escaped, and, for password-like values, its first
 * {@value #PREFIX} characters (a message cut short still leaks). A finding names where and which
 * Secret key, never the value.
 */
public final class LeakScan {
  /** Long enough that no other text here matches it by chance, short enough to catch a truncated value. */
  static final int PREFIX = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each secret value: where it came from (the first Secret key seen holding it) and its forms, form name to text. */
  private final Map<String, String> origins = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> forms = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  /**
   * Adds one secret value. {@code origin} says where it came from, for findings.
   */
  public void secret(String origin, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (value.length() < PREFIX) {
      problems.add(origin + ": a value of " + value.length() + " characters would match other text by chance;"
          + " tests use secret values of " + PREFIX + " or more");
      return;
    }
    if (origins.putIfAbsent(value, origin) == null) {
      forms.put(value, forms(value));
    }
  }

  /**
   * Learns the values of a Secret from the body of a request that wrote it (a create, update or
   * patch: JSON with data in base64 and/or stringData). Usernames and certificates are not secret.
   */
  public void secretWrite(String secretPath, String body) {
    try {
      JsonNode secret = JSON.readTree(body);
      for (String field : List.of("data", "stringData")) {
        JsonNode values = secret.path(field);
        values.fields().forEachRemaining(e -> {
          if (isSecretKey(e.getKey()) && e.getValue().isTextual()) {
            String value = field.equals("data")
                ? new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)
                : e.getValue().asText();
            secret("Secret " + secretPath + " key " + e.getKey(), value);
          }
        });
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      problems.add("cannot read the Secret written to " + secretPath + " (" + e.getMessage() + "): its values go unscanned");
    }
  }

  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return !(k.equals("user") || k.endsWith("username") || k.endsWith(".crt"));
  }

  /** How many distinct secret values are being looked for: lets a test know the scan is not empty. */
  public int secrets() {
    return origins.size();
  }

  /** Problems with the scan itself (a value too short to scan for, a Secret body unreadable). */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * One finding for each secret value that appears in {@code text}, in the first of its forms
   * found (the plain value first), said without the value.
   */
  public List<String> scan(String source, String text) {
    List<String> findings = new ArrayList<>();
    if (text == null) {
      return findings;
    }
    for (Map.Entry<String, Map<String, String>> value : forms.entrySet()) {
      for (Map.Entry<String, String> form : value.getValue().entrySet()) {
        int at = text.indexOf(form.getValue());
        if (at >= 0) {
          findings.add(source + ": " + form.getKey() + " of " + origins.get(value.getKey()) + ", near \""
              + context(text, at, form.getValue().length()) + "\"");
          break;
        }
      }
    }
    return findings;
  }

  /** The text around a match, with the match itself blanked out. */
  private static String context(String text, int at, int length) {
    String before = text.substring(Math.max(0, at - 60), at);
    String after = text.substring(at + length, Math.min(text.length(), at + length + 60));
    return (before + "<secret>" + after).replaceAll("\\s+", " ");
  }

  /** Each way {@code value} could be written: form name -> text. Forms shorter than {@value #PREFIX} are left out. */
  static Map<String, String> forms(String value) {
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("the value", value);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int offset = 0; offset < 3; offset++) {
      forms.put("base64 (offset " + offset + ")", aligned(Base64.getEncoder(), bytes, offset));
      forms.put("URL-safe base64 (offset " + offset + ")", aligned(Base64.getUrlEncoder(), bytes, offset));
    }
    String formEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.put("the form-URL-encoded value", formEncoded);
    String percent = formEncoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    forms.put("the percent-encoded value", percent);
    forms.put("the percent-encoded value (lower-case hex)", lowerCaseEscapes(percent));
    forms.put("the JSON-escaped value", jsonEscaped(value));
    if (value.length() > PREFIX && !value.contains("://") && value.chars().noneMatch(Character::isWhitespace)) {
      forms.put("the first " + PREFIX + " characters", value.substring(0, PREFIX));
    }
    forms.values().removeIf(needle -> needle.length() < PREFIX);
    // One text, one name: the first (plainest) form that writes it.
    Map<String, String> distinct = new LinkedHashMap<>();
    forms.forEach((name, needle) -> {
      if (!distinct.containsValue(needle)) {
        distinct.put(name, needle);
      }
    });
    return distinct;
  }

  /**
   * The part of base64 text that {@code bytes} alone decide when they start {@code offset} bytes
   * into a longer input: the groups of three input bytes wholly theirs.
   */
  private static String aligned(Base64.Encoder encoder, byte[] bytes, int offset) {
    byte[] shifted = new byte[offset + bytes.length];
    System.arraycopy(bytes, 0, shifted, offset, bytes.length);
    String encoded = encoder.encodeToString(shifted);
    int start = offset == 0 ? 0 : 4;
    int end = (shifted.length / 3) * 4;
    return end > start ? encoded.substring(start, end) : "";
  }

  private static String lowerCaseEscapes(String percentEncoded) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < percentEncoded.length(); i++) {
      char c = percentEncoded.charAt(i);
      if (c == '%' && i + 2 < percentEncoded.length()) {
        out.append('%').append(percentEncoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String jsonEscaped(String value) {
    try {
      String quoted = JSON.writeValueAsString(value);
      return quoted.substring(1, quoted.length() - 1);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
