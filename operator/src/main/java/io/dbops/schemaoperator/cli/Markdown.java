package io.dbops.schemaoperator.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text from files and databases made safe to put in a Markdown document that a pull request shows:
 * names, scripts and messages can hold anything (a history table can be edited by hand), and in a
 * comment `@someone` pings a person, `![x](url)` loads an image and `|` breaks a table. Anything
 * that is not plain words goes into a code span, where GitHub renders nothing.
 */
final class Markdown {
  /** One cell or line stays readable; the full text is in `plan -o json`. */
  static final int MAX_TEXT = 300;

  /** No emphasis, links, images, mentions, HTML or autolinks can be made of these. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9 .,:()'-]*");
  private static final Pattern BACKTICKS = Pattern.compile("`+");

  private Markdown() {}

  /** Plain words as they are; anything else as a code span. */
  static String text(String value) {
    String line = oneLine(value);
    return PLAIN.matcher(line).matches() && !line.toLowerCase(java.util.Locale.ROOT).contains("www.") ? line : code(line);
  }

  /** A code span holding {@code value} on one line, however many backticks it contains. */
  static String code(String value) {
    String line = oneLine(value);
    if (line.isEmpty()) {
      return "";
    }
    int longest = 0;
    Matcher run = BACKTICKS.matcher(line);
    while (run.find()) {
      longest = Math.max(longest, run.group().length());
    }
    String fence = "`".repeat(longest + 1);
    String pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
    return fence + pad + line + pad + fence;
  }

  /**
   * The same inside a table row: GitHub splits cells at every unescaped pipe, code spans included,
   * and turns {@code \|} back into a pipe inside them.
   */
  static String cell(String rendered) {
    return rendered.replace("|", "\\|");
  }

  /**
   * Line breaks and control characters become spaces, runs of spaces one; invisible formatting
   * characters (bidirectional overrides, zero-width joiners) become U+FFFD, so a reviewer sees that
   * something is there; long text is cut.
   */
  static String oneLine(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_TEXT + 1));
    boolean space = false;
    for (int i = 0; i < value.length() && sb.length() <= MAX_TEXT; i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        space = sb.length() > 0;
        continue;
      }
      if (space) {
        sb.append(' ');
        space = false;
      }
      sb.append(Character.getType(c) == Character.FORMAT ? '\uFFFD' : c);
    }
    if (sb.length() <= MAX_TEXT) {
      return sb.toString();
    }
    int cut = MAX_TEXT - 1;
    if (Character.isHighSurrogate(sb.charAt(cut - 1))) {
      cut--;
    }
    return sb.substring(0, cut) + "\u2026";
  }
}
