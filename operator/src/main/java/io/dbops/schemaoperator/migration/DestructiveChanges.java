package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.migration.DestructiveChange.Kind;
import io.dbops.schemaoperator.model.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Which statements of the pending scripts may lose data or break the running application, read
 * with a SQL parser (JSqlParser) in the engine's dialect: drops of tables, schemas, databases,
 * columns and indexes; truncates; column type changes; renames; DELETE and UPDATE without WHERE;
 * and every statement the parser cannot read, reported as {@link Kind#Unparsed} so that nothing
 * passes unseen. Scripts are read as Flyway will run them: placeholders replaced first, split as
 * the engine's client splits them. Only the statements a script runs are judged, not the bodies
 * of the functions, procedures or triggers it defines. Pure: no database, no clock.
 */
public final class DestructiveChanges {
  /** Per statement: the parser backtracks, and a hostile statement must not hold a reconcile for long. */
  static final long STATEMENT_TIMEOUT_MILLIS = 2_000;
  /** At most this many findings are returned; a plan with more is refused or approved as a whole anyway. */
  public static final int LIMIT = 50;
  private static final int EXCERPT = 80;

  private static final ExecutorService PARSERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sql-parser");
    t.setDaemon(true);
    return t;
  });

  private static final Pattern DROP_DATABASE = Pattern.compile("(?is)^DROP\\s+DATABASE\\s+(IF\\s+EXISTS\\s+)?(.+)$");
  private static final Pattern DROP_LIST =
      Pattern.compile("(?is)^DROP\\s+(TABLE|INDEX|SCHEMA|VIEW|SEQUENCE)\\s+(IF\\s+EXISTS\\s+)?([^;]+?)(\\s+(CASCADE|RESTRICT))?$");
  private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\bINDEX\\s+CONCURRENTLY\\b");
  private static final Pattern SET_DATA_TYPE = Pattern.compile("(?i)\\bSET\\s+DATA\\s+TYPE\\b");
  private static final Pattern TRUNCATE_IDENTITY = Pattern.compile("(?i)\\s+(RESTART|CONTINUE)\\s+IDENTITY\\b");

  private DestructiveChanges() {}

  /** A script as Flyway names it, with its text. */
  public record Script(String name, String sql) {}

  /**
   * @param scripts the pending scripts in the order Flyway runs them
   * @param database the connection's database (for the {@code ${flyway:database}} placeholder)
   * @return the findings in script and statement order, at most {@link #LIMIT}
   */
  public static List<DestructiveChange> in(Engine engine, MigrationSettings settings, String database, List<Script> scripts) {
    Placeholders placeholders = new Placeholders(settings.placeholders(),
        settings.schemas().isEmpty() ? null : settings.schemas().get(0), database);
    List<DestructiveChange> found = new ArrayList<>();
    for (Script script : scripts) {
      List<String> statements = ScriptStatements.split(engine, placeholders.replace(script.sql(), script.name()));
      for (int n = 0; n < statements.size() && found.size() < LIMIT; n++) {
        int position = n + 1;
        judge(engine, statements.get(n)).forEach(f -> found.add(new DestructiveChange(f.kind, script.name(), position, f.object)));
      }
    }
    return found.size() > LIMIT ? List.copyOf(found.subList(0, LIMIT)) : List.copyOf(found);
  }

  private record Judged(Kind kind, String object) {}

  private static List<Judged> judge(Engine engine, String statement) {
    Matcher database = DROP_DATABASE.matcher(statement);
    if (database.matches()) {
      // JSqlParser has no DROP DATABASE; the name is what a DROP SCHEMA would name.
      return parse(engine, "DROP SCHEMA " + database.group(2))
          .map(s -> List.of(new Judged(Kind.DropDatabase, ((Drop) s).getName().getFullyQualifiedName())))
          .orElseGet(() -> List.of(unparsed(statement)));
    }
    Matcher list = DROP_LIST.matcher(statement);
    if (list.matches() && list.group(3).contains(",")) {
      // DROP TABLE a, b: the parser reads one name per DROP.
      List<Judged> all = new ArrayList<>();
      for (String name : list.group(3).split(",")) {
        String one = "DROP " + list.group(1) + " " + name.strip() + (list.group(4) == null ? "" : list.group(4));
        all.addAll(judge(engine, one));
      }
      return all;
    }
    String readable = readable(engine, statement);
    return parse(engine, readable).map(DestructiveChanges::judge).orElseGet(() -> List.of(unparsed(statement)));
  }

  /**
   * Words JSqlParser does not know that change nothing about which objects a statement affects:
   * CONCURRENTLY on an index, SET DATA TYPE (PostgreSQL's longer TYPE), a truncate's identity option.
   */
  private static String readable(Engine engine, String statement) {
    String s = statement;
    if (engine == Engine.POSTGRES) {
      s = CONCURRENTLY.matcher(s).replaceAll("INDEX");
      s = SET_DATA_TYPE.matcher(s).replaceAll("TYPE");
      if (s.regionMatches(true, 0, "TRUNCATE", 0, "TRUNCATE".length())) {
        s = TRUNCATE_IDENTITY.matcher(s).replaceAll("");
      }
    }
    return s;
  }

  private static List<Judged> judge(Statement statement) {
    List<Judged> found = new ArrayList<>();
    if (statement instanceof UnsupportedStatement) {
      found.add(unparsed(statement.toString()));
    } else if (statement instanceof Drop drop) {
      dropped(drop).ifPresent(found::add);
    } else if (statement instanceof Truncate truncate) {
      List<Table> tables = truncate.getTables() == null || truncate.getTables().isEmpty() ? List.of(truncate.getTable()) : truncate.getTables();
      tables.forEach(t -> found.add(new Judged(Kind.Truncate, t.getFullyQualifiedName())));
    } else if (statement instanceof Alter alter) {
      altered(alter, found);
    } else if (statement instanceof RenameTableStatement rename) {
      rename.getTableNames().forEach(e -> found.add(new Judged(Kind.Rename,
          e.getKey().getFullyQualifiedName() + " -> " + e.getValue().getFullyQualifiedName())));
    } else if (statement instanceof Execute execute && isSpRename(execute.getName())) {
      found.add(new Judged(Kind.Rename, execute.getExprList() == null ? "" : execute.getExprList().toString()));
    } else if (statement instanceof Delete delete && delete.getWhere() == null) {
      found.add(new Judged(Kind.DeleteWithoutWhere, delete.getTable() == null ? "" : delete.getTable().getFullyQualifiedName()));
    } else if (statement instanceof Update update && update.getWhere() == null) {
      found.add(new Judged(Kind.UpdateWithoutWhere, update.getTable() == null ? "" : update.getTable().getFullyQualifiedName()));
    } else if (statement instanceof CreateTable create && create.isOrReplace()) {
      // MariaDB's CREATE OR REPLACE TABLE drops the table there was.
      found.add(new Judged(Kind.DropTable, create.getTable().getFullyQualifiedName()));
    }
    return found;
  }

  private static Optional<Judged> dropped(Drop drop) {
    String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
    String name = drop.getName() == null ? "" : drop.getName().getFullyQualifiedName();
    Kind kind = switch (type) {
      case "TABLE" -> Kind.DropTable;
      case "SCHEMA" -> Kind.DropSchema;
      case "INDEX" -> Kind.DropIndex;
      default -> cascades(drop) ? Kind.DropCascade : null;
    };
    return kind == null ? Optional.empty()
        : Optional.of(new Judged(kind, kind == Kind.DropCascade ? type.toLowerCase(Locale.ROOT) + " " + name : name));
  }

  private static boolean cascades(Drop drop) {
    return drop.getParameters() != null && drop.getParameters().stream().anyMatch(p -> p.equalsIgnoreCase("CASCADE"));
  }

  private static void altered(Alter alter, List<Judged> found) {
    String table = alter.getTable() == null ? "" : alter.getTable().getFullyQualifiedName();
    if (alter.getAlterExpressions() == null) {
      return;
    }
    for (AlterExpression e : alter.getAlterExpressions()) {
      switch (e.getOperation()) {
        case DROP -> {
          if (e.getColumnName() != null) {
            found.add(new Judged(Kind.DropColumn, table + "." + e.getColumnName()));
          } else if (e.getIndex() != null && e.getIndex().getType() != null
              && e.getIndex().getType().toUpperCase(Locale.ROOT).matches("INDEX|KEY")) {
            found.add(new Judged(Kind.DropIndex, table + "." + e.getIndex().getName()));
          }
        }
        case ALTER, MODIFY, CHANGE -> {
          if (e.getOperation() == net.sf.jsqlparser.statement.alter.AlterOperation.CHANGE && e.getColumnOldName() != null
              && e.getColDataTypeList() != null && !e.getColDataTypeList().isEmpty()
              && !unquoted(e.getColumnOldName()).equalsIgnoreCase(unquoted(e.getColDataTypeList().get(0).getColumnName()))) {
            found.add(new Judged(Kind.Rename, table + "." + e.getColumnOldName() + " -> " + e.getColDataTypeList().get(0).getColumnName()));
          }
          if (e.getColDataTypeList() != null) {
            e.getColDataTypeList().stream().filter(c -> c.getColDataType() != null)
                .forEach(c -> found.add(new Judged(Kind.ColumnTypeChanged, table + "." + c.getColumnName() + " to "
                    + c.getColDataType())));
          }
        }
        case RENAME -> found.add(new Judged(Kind.Rename, table + "." + e.getColumnOldName() + " -> " + e.getColumnName()));
        case RENAME_TABLE -> found.add(new Judged(Kind.Rename, table + " -> " + e.getNewTableName()));
        case DROP_PARTITION, TRUNCATE_PARTITION -> found.add(new Judged(Kind.Truncate, table + " partition "
            + (e.getPartitions() == null ? "" : String.join(", ", e.getPartitions()))));
        default -> {
          // Constraints, defaults, keys, options: nothing is lost.
        }
      }
    }
  }

  private static boolean isSpRename(String name) {
    if (name == null) {
      return false;
    }
    String bare = unquoted(name.substring(name.lastIndexOf('.') + 1));
    return bare.equalsIgnoreCase("sp_rename");
  }

  private static String unquoted(String name) {
    return name == null ? "" : name.replaceAll("^[\\[\"`]|[\\]\"`]$", "");
  }

  private static Judged unparsed(String statement) {
    String oneLine = statement.replaceAll("\\s+", " ").strip();
    return new Judged(Kind.Unparsed, oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT - 3) + "...");
  }

  /**
   * The statement as the engine's dialect reads it, or empty when the parser cannot read all of
   * it: a statement it reads only the start of (it stops where it recognizes a whole statement) is
   * as unknown as one it cannot read at all.
   */
  private static Optional<Statement> parse(Engine engine, String sql) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withTimeOut(STATEMENT_TIMEOUT_MILLIS);
    switch (engine) {
      case SQLSERVER -> parser.withSquareBracketQuotation(true);
      case MYSQL, MARIADB -> parser.withBackslashEscapeCharacter(true);
      default -> { }
    }
    try {
      Statement statement = CCJSqlParserUtil.parseStatement(parser, PARSERS);
      int next = parser.getNextToken().kind;
      if (next == CCJSqlParserConstants.ST_SEMICOLON) {
        next = parser.getNextToken().kind;
      }
      return statement == null || next != CCJSqlParserConstants.EOF ? Optional.empty() : Optional.of(statement);
    } catch (JSQLParserException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
