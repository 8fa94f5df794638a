package io.dbops.schemaoperator.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which images an operator setting allows, written like an image reference with wildcards and
 * normalised like one ({@code postgres} is {@code docker.io/library/postgres}):
 *
 * <ul>
 *   <li>{@code ghcr.io/acme/app}: every tag and digest of that repository;
 *   <li>{@code *} in a path segment stands for any characters except {@code /}: {@code ghcr.io/acme/*}
 *       is every repository directly below acme; {@code **} as a whole segment stands for one or
 *       more segments: {@code ghcr.io/acme/**} is every repository below acme, at any depth;
 *   <li>{@code :tag} with optional {@code *}: only images named by a matching tag, and without a
 *       digest, because a digest, not the tag, decides what the runtime pulls;
 *   <li>{@code @sha256:...}: only that exact digest (with any tag or none);
 *   <li>{@code *} alone: every image.
 * </ul>
 *
 * Matching is done segment by segment and character by character, never through a regular
 * expression built from the pattern, so no character of a setting means more than it says.
 */
public final class ImagePattern {
  private static final String ANY_SEGMENTS = "**";
  private static final Pattern ALLOWED_CHARACTERS = Pattern.compile("[A-Za-z0-9._\\-/:@*\\[\\]]+");

  private final String text;
  private final boolean everything;
  private final String registry;
  private final List<String> path;
  private final String tag;
  private final String digest;

  private ImagePattern(String text, boolean everything, String registry, List<String> path, String tag, String digest) {
    this.text = text;
    this.everything = everything;
    this.registry = registry;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
  }

  /** The pattern, or an IllegalArgumentException that says what is wrong with it. */
  public static ImagePattern parse(String text) {
    String pattern = text == null ? "" : text.trim();
    if (pattern.equals("*")) {
      return new ImagePattern(pattern, true, null, List.of(), null, null);
    }
    if (pattern.isEmpty() || pattern.length() > ImageReference.MAX_LENGTH || !ALLOWED_CHARACTERS.matcher(pattern).matches()) {
      throw invalid(pattern, "use letters, digits and . _ - / : @ *, at most " + ImageReference.MAX_LENGTH + " characters");
    }
    String rest = pattern;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (digest.contains("*") || ImageReference.problem("x@" + digest) != null) {
        throw invalid(pattern, "a digest must be written out in full, e.g. @sha256: and 64 hex digits");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (tag.isEmpty()) {
        throw invalid(pattern, "an empty tag after ':' matches nothing: leave the ':' out for every tag");
      }
    }
    if (tag != null && digest != null) {
      throw invalid(pattern, "name a tag or a digest, not both: the digest alone decides what runs");
    }
    String registry = ImageReference.DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0 && ImageReference.isRegistry(rest.substring(0, slash))) {
      registry = rest.substring(0, slash).toLowerCase(Locale.ROOT);
      repository = rest.substring(slash + 1);
    }
    if ("index.docker.io".equals(registry)) {
      registry = ImageReference.DOCKER_HUB;
    }
    if (ImageReference.DOCKER_HUB.equals(registry) && repository.indexOf('/') < 0 && !repository.equals(ANY_SEGMENTS)) {
      repository = "library/" + repository;
    }
    List<String> segments = Arrays.asList(repository.split("/", -1));
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw invalid(pattern, "a repository path has no empty segments");
      }
      if (segment.contains(ANY_SEGMENTS) && !segment.equals(ANY_SEGMENTS)) {
        throw invalid(pattern, "** stands for whole segments only (ghcr.io/acme/**); * stands for part of one");
      }
      if (!segment.equals(segment.toLowerCase(Locale.ROOT))) {
        throw invalid(pattern, "repository paths are lower case, so this one would match no image");
      }
    }
    if (registry.contains(ANY_SEGMENTS)) {
      throw invalid(pattern, "** cannot stand for a registry: name the registry, or use * alone for every image");
    }
    return new ImagePattern(pattern, false, registry, List.copyOf(segments), tag, digest);
  }

  private static IllegalArgumentException invalid(String pattern, String why) {
    return new IllegalArgumentException("image pattern " + ImageReference.quoted(pattern) + " is not valid: " + why);
  }

  public boolean matches(ImageReference image) {
    if (everything) {
      return true;
    }
    if (!Glob.matches(registry, image.registry()) || !segmentsMatch(0, image.path().split("/"), 0)) {
      return false;
    }
    if (digest != null) {
      return digest.equalsIgnoreCase(image.digest());
    }
    if (tag != null) {
      return image.digest() == null && image.tag() != null && Glob.matches(tag, image.tag());
    }
    return true;
  }

  private boolean segmentsMatch(int p, String[] image, int i) {
    if (p == path.size()) {
      return i == image.length;
    }
    if (path.get(p).equals(ANY_SEGMENTS)) {
      // At least one segment: ghcr.io/acme/** is what is below acme, not acme itself.
      for (int end = i + 1; end <= image.length; end++) {
        if (segmentsMatch(p + 1, image, end)) {
          return true;
        }
      }
      return false;
    }
    return i < image.length && Glob.matches(path.get(p), image[i]) && segmentsMatch(p + 1, image, i + 1);
  }

  /** As the administrator wrote it. */
  @Override
  public String toString() {
    return text;
  }

  /** {@code *} for any run of characters, everything else literal. */
  static final class Glob {
    private Glob() {}

    static boolean matches(String glob, String text) {
      int g = 0;
      int t = 0;
      int star = -1;
      int resume = 0;
      while (t < text.length()) {
        if (g < glob.length() && glob.charAt(g) == '*') {
          star = g++;
          resume = t;
        } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
          g++;
          t++;
        } else if (star >= 0) {
          g = star + 1;
          t = ++resume;
        } else {
          return false;
        }
      }
      while (g < glob.length() && glob.charAt(g) == '*') {
        g++;
      }
      return g == glob.length();
    }
  }
}
