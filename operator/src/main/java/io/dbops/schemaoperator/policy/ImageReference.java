package io.dbops.schemaoperator.policy;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference as a container runtime reads it, normalised the way Docker and
 * containerd normalise it: {@code postgres:16} is {@code docker.io/library/postgres:16}, a name
 * without tag or digest means tag {@code latest}. Anything the reference grammar (the
 * distribution project's) does not admit is no reference at all, so nothing half-parsed ever reaches
 * a pattern.
 *
 * @param registry the registry host (with port), lower case: {@code docker.io}, {@code ghcr.io}
 * @param path the repository path below the registry: {@code library/postgres}, {@code acme/app}
 * @param tag the tag, or null when the reference has only a digest
 * @param digest {@code algorithm:hex}, or null
 */
public record ImageReference(String registry, String path, String tag, String digest) {
  public static final String DOCKER_HUB = "docker.io";
  /** Longer than any name the grammar admits (255) plus a tag (128) and a sha512 digest. */
  static final int MAX_LENGTH = 512;
  private static final int MAX_NAME = 255;

  // Fixed expressions over a bounded string, written so that no input makes them backtrack far.
  private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*+");
  private static final Pattern REGISTRY = Pattern.compile(
      "(?:[a-zA-Z0-9]+(?:-+[a-zA-Z0-9]+)*(?:\\.[a-zA-Z0-9]+(?:-+[a-zA-Z0-9]+)*)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+:[0-9a-fA-F]{32,}+");

  /** The reference, or empty when {@code text} is not one (a reason is in {@link #problem}). */
  public static Optional<ImageReference> parse(String text) {
    return problem(text) == null ? Optional.of(split(text)) : Optional.empty();
  }

  /** Why {@code text} is not an image reference, or null when it is one. */
  public static String problem(String text) {
    if (text == null || text.isEmpty()) {
      return "it is empty";
    }
    if (text.length() > MAX_LENGTH) {
      return "it is longer than " + MAX_LENGTH + " characters";
    }
    ImageReference parts = split(text);
    if (parts == null) {
      return "it is not of the form [registry/]repository[:tag][@digest]";
    }
    String name = parts.registry() + "/" + parts.path();
    if (name.length() > MAX_NAME) {
      return "its name is longer than " + MAX_NAME + " characters";
    }
    if (!REGISTRY.matcher(parts.registry()).matches()) {
      return "its registry is not a host name with an optional port";
    }
    for (String component : parts.path().split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        return "its repository path has a component that is not lower-case letters and digits joined by . _ or -";
      }
    }
    if (parts.tag() != null && !TAG.matcher(parts.tag()).matches()) {
      return "its tag is not 1 to 128 letters, digits, _ . or - (not starting with . or -)";
    }
    if (parts.digest() != null && !DIGEST.matcher(parts.digest()).matches()) {
      return "its digest is not algorithm:hex (e.g. sha256: and 64 hex digits)";
    }
    return null;
  }

  /** Splits without judging the parts; null when there is not even a name to split. */
  private static ImageReference split(String text) {
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      return null;
    }
    String registry = DOCKER_HUB;
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0 && isRegistry(rest.substring(0, slash))) {
      registry = rest.substring(0, slash).toLowerCase(Locale.ROOT);
      path = rest.substring(slash + 1);
    }
    if ("index.docker.io".equals(registry)) {
      registry = DOCKER_HUB;
    }
    if (DOCKER_HUB.equals(registry) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, path, tag, digest);
  }

  /** Docker's rule: the first component names a registry when it has a dot or a port, is localhost, or has capitals. */
  static boolean isRegistry(String firstComponent) {
    return firstComponent.contains(".") || firstComponent.contains(":") || firstComponent.equals("localhost")
        || !firstComponent.equals(firstComponent.toLowerCase(Locale.ROOT));
  }

  /** The normalised form: {@code registry/path[:tag][@digest]}. */
  @Override
  public String toString() {
    return registry + "/" + path + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /** A value from a user's spec, safe to quote in a one-line message: no control characters, bounded. */
  static String quoted(String value) {
    if (value == null) {
      return "(none)";
    }
    String shown = value.length() > 120 ? value.substring(0, 120) + "…" : value;
    return "\"" + CONTROL.matcher(shown).replaceAll("?") + "\"";
  }
}
