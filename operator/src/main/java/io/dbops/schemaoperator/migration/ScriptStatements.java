package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a migration script into statements the way the engine's own client would: at the
 * delimiter outside strings, quoted names, comments, PostgreSQL dollar quotes and BEGIN ... END
 * bodies; SQL Server also at {@code GO} lines, MySQL/MariaDB at a {@code DELIMITER} of their own.
 * Comments are left out of the statements, except MySQL's executable ones ({@code /*! ... *}{@code /}),
 * whose content the server runs. A wrong split only ever makes pieces the parser cannot read, which
 * are reported; it never hides a statement.
 */
final class ScriptStatements {
  private static final Set<String> NOT_A_BLOCK = Set.of("TRAN", "TRANSACTION", "WORK", "DISTRIBUTED");
  private static final Set<String> UNCOUNTED_END = Set.of("IF", "LOOP", "WHILE", "REPEAT");

  private final Engine engine;
  private final String sql;
  private final List<String> statements = new ArrayList<>();
  private final StringBuilder current = new StringBuilder();
  private boolean meaningful;
  private int depth;
  private String delimiter = ";";
  private int i;

  private ScriptStatements(Engine engine, String sql) {
    this.engine = engine;
    this.sql = sql;
  }

  /** The script's statements in order, without delimiters and comments; empty ones left out. */
  static List<String> split(Engine engine, String sql) {
    ScriptStatements s = new ScriptStatements(engine, sql);
    s.run();
    return s.statements;
  }

  private boolean mysql() {
    return engine == Engine.MYSQL || engine == Engine.MARIADB;
  }

  private void run() {
    while (i < sql.length()) {
      if (atLineStart() && directive()) {
        continue;
      }
      char c = sql.charAt(i);
      if (depth == 0 && sql.startsWith(delimiter, i)) {
        end();
        i += delimiter.length();
      } else if (c == '\'') {
        quoted('\'', backslashEscapes());
      } else if (c == '"') {
        quoted('"', false);
      } else if (c == '`' && mysql()) {
        quoted('`', false);
      } else if (c == '[' && engine == Engine.SQLSERVER) {
        quoted(']', false);
      } else if (c == '-' && next(1) == '-') {
        lineComment();
      } else if (c == '#' && mysql()) {
        lineComment();
      } else if (c == '/' && next(1) == '*') {
        blockComment();
      } else if (c == '$' && engine == Engine.POSTGRES && dollarQuote()) {
        // copied by dollarQuote
      } else if (Character.isLetter(c) || c == '_') {
        word();
      } else {
        append(c);
        i++;
      }
    }
    end();
  }

  /** GO (SQL Server) and DELIMITER (MySQL/MariaDB) are client commands on a line of their own. */
  private boolean directive() {
    int eol = sql.indexOf('\n', i);
    String line = sql.substring(i, eol < 0 ? sql.length() : eol).strip();
    String upper = line.toUpperCase(Locale.ROOT);
    if (engine == Engine.SQLSERVER && upper.matches("GO(\\s+\\d+)?")) {
      end();
      depth = 0;
    } else if (mysql() && upper.startsWith("DELIMITER ") && line.length() > "DELIMITER ".length()) {
      end();
      delimiter = line.substring("DELIMITER ".length()).strip();
    } else {
      return false;
    }
    i = eol < 0 ? sql.length() : eol + 1;
    return true;
  }

  private boolean atLineStart() {
    int j = i - 1;
    while (j >= 0 && (sql.charAt(j) == ' ' || sql.charAt(j) == '\t')) {
      j--;
    }
    return j < 0 || sql.charAt(j) == '\n';
  }

  /** MySQL strings take backslash escapes; PostgreSQL's E'...' strings do too. */
  private boolean backslashEscapes() {
    if (mysql()) {
      return true;
    }
    return engine == Engine.POSTGRES && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)) && sql.charAt(i - 2) != '_');
  }

  private void quoted(char close, boolean backslash) {
    meaningful = true;
    current.append(sql.charAt(i++));
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslash && c == '\\' && i + 1 < sql.length()) {
        current.append(c).append(sql.charAt(i + 1));
        i += 2;
        continue;
      }
      current.append(c);
      i++;
      if (c == close) {
        if (i < sql.length() && sql.charAt(i) == close) {
          current.append(close);
          i++;
          continue;
        }
        return;
      }
    }
  }

  private void lineComment() {
    while (i < sql.length() && sql.charAt(i) != '\n') {
      i++;
    }
    current.append(' ');
  }

  private void blockComment() {
    boolean executable = mysql() && (next(2) == '!' || next(2) == 'M' && next(3) == '!');
    if (executable) {
      // /*!50100 ... */ and /*M!100100 ... */: MySQL and MariaDB run what is inside.
      i += next(2) == '!' ? 3 : 4;
      while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
        i++;
      }
      int close = sql.indexOf("*/", i);
      String inside = sql.substring(i, close < 0 ? sql.length() : close);
      current.append(' ').append(inside).append(' ');
      meaningful |= !inside.isBlank();
      i = close < 0 ? sql.length() : close + 2;
      return;
    }
    int nesting = 0;
    while (i < sql.length()) {
      if (sql.startsWith("/*", i)) {
        nesting++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        i += 2;
        if (--nesting == 0 || engine != Engine.POSTGRES) {
          break;
        }
      } else {
        i++;
      }
    }
    current.append(' ');
  }

  /** $tag$ ... $tag$; a $ followed by a digit is a parameter, not a quote. */
  private boolean dollarQuote() {
    int j = i + 1;
    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    if (j >= sql.length() || sql.charAt(j) != '$' || (j > i + 1 && Character.isDigit(sql.charAt(i + 1)))) {
      return false;
    }
    String tag = sql.substring(i, j + 1);
    int close = sql.indexOf(tag, j + 1);
    int end = close < 0 ? sql.length() : close + tag.length();
    current.append(sql, i, end);
    meaningful = true;
    i = end;
    return true;
  }

  /** A word: BEGIN, CASE and END open and close bodies whose own delimiters do not end the statement. */
  private void word() {
    int start = i;
    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
      i++;
    }
    String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
    current.append(sql, start, i);
    meaningful = true;
    if (word.equals("CASE")) {
      depth++;
    } else if (word.equals("BEGIN") && opensBlock()) {
      depth++;
    } else if (word.equals("END") && depth > 0 && !UNCOUNTED_END.contains(nextWord())) {
      depth--;
    }
  }

  /**
   * Whether BEGIN starts a body rather than a transaction. PostgreSQL's bodies are quoted, except
   * SQL-standard ones (BEGIN ATOMIC); elsewhere BEGIN; BEGIN TRAN, BEGIN WORK start a transaction.
   */
  private boolean opensBlock() {
    String following = nextWord();
    if (engine == Engine.POSTGRES) {
      return following.equals("ATOMIC");
    }
    int j = skipSpace(i);
    return !(j >= sql.length() || sql.startsWith(delimiter, j) || NOT_A_BLOCK.contains(following));
  }

  private String nextWord() {
    int j = skipSpace(i);
    int start = j;
    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    return sql.substring(start, j).toUpperCase(Locale.ROOT);
  }

  private int skipSpace(int from) {
    int j = from;
    while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
      j++;
    }
    return j;
  }

  private char next(int ahead) {
    return i + ahead < sql.length() ? sql.charAt(i + ahead) : '\0';
  }

  private void append(char c) {
    current.append(c);
    meaningful |= !Character.isWhitespace(c);
  }

  private void end() {
    String statement = current.toString().strip();
    if (meaningful && !statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
    meaningful = false;
  }
}
