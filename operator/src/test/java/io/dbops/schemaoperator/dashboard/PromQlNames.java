package io.dbops.schemaoperator.dashboard;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects: bare names before a selector or range, and names
 * matched on __name__ (exactly, or as alternatives of a regex). Functions, aggregations, their
 * by/without/on/ignoring label lists, keywords and label names are not metrics. Enough PromQL for
 * the dashboard's queries, which promtool has parsed first.
 */
final class PromQlNames {
  private static final Set<String> KEYWORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan",
      "atan2", "start", "end");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*(=~|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LISTS =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

  private PromQlNames() {}

  static Set<String> of(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher byName = NAME_MATCHER.matcher(expr);
    while (byName.find()) {
      String value = byName.group(2);
      if (byName.group(1).equals("=")) {
        names.add(value);
      } else {
        for (String alternative : value.split("\\|")) {
          if (!alternative.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new AssertionError("__name__ regex alternative " + alternative + " is not a metric name: list names, not patterns");
          }
          names.add(alternative);
        }
      }
    }
    String rest = STRING.matcher(expr).replaceAll("\"\"");
    rest = MATCHERS.matcher(rest).replaceAll(" ");
    rest = RANGES.matcher(rest).replaceAll(" ");
    rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
    Matcher id = IDENTIFIER.matcher(rest);
    while (id.find()) {
      if (!KEYWORDS.contains(id.group(1))) {
        names.add(id.group(1));
      }
    }
    return names;
  }
}
