package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.migration.DestructiveChange.Kind;
import io.dbops.schemaoperator.migration.DestructiveChanges.Script;
import io.dbops.schemaoperator.model.Engine;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The destructive-change analysis, one statement per row in the dialect of each engine: what it
 * finds (kind and object), or nothing for statements that lose nothing.
 */
class DestructiveChangesTest {

  static Stream<Arguments> statements() {
    return Stream.of(
        // PostgreSQL
        found(Engine.POSTGRES, "DROP TABLE legacy", Kind.DropTable, "legacy"),
        found(Engine.POSTGRES, "DROP TABLE IF EXISTS app.a, app.b CASCADE", Kind.DropTable, "app.a"),
        found(Engine.POSTGRES, "DROP SCHEMA old CASCADE", Kind.DropSchema, "old"),
        found(Engine.POSTGRES, "DROP INDEX CONCURRENTLY idx_users_email", Kind.DropIndex, "idx_users_email"),
        found(Engine.POSTGRES, "ALTER TABLE users DROP COLUMN email", Kind.DropColumn, "users.email"),
        found(Engine.POSTGRES, "ALTER TABLE users ALTER COLUMN name TYPE varchar(10)", Kind.ColumnTypeChanged, "users.name to varchar (10)"),
        found(Engine.POSTGRES, "ALTER TABLE users ALTER COLUMN id SET DATA TYPE int", Kind.ColumnTypeChanged, "users.id to int"),
        found(Engine.POSTGRES, "ALTER TABLE users RENAME TO customers", Kind.Rename, "users -> customers"),
        found(Engine.POSTGRES, "ALTER TABLE app.users RENAME COLUMN name TO full_name", Kind.Rename, "app.users.name -> full_name"),
        found(Engine.POSTGRES, "TRUNCATE TABLE sessions RESTART IDENTITY", Kind.Truncate, "sessions"),
        found(Engine.POSTGRES, "DELETE FROM audit_log", Kind.DeleteWithoutWhere, "audit_log"),
        found(Engine.POSTGRES, "UPDATE users SET active = false", Kind.UpdateWithoutWhere, "users"),
        found(Engine.POSTGRES, "DROP SEQUENCE order_numbers CASCADE", Kind.DropCascade, "sequence order_numbers"),
        found(Engine.POSTGRES, "DROP TYPE mood CASCADE", Kind.Unparsed, "DROP TYPE mood CASCADE"),
        found(Engine.POSTGRES, "DROP DATABASE IF EXISTS scratch", Kind.DropDatabase, "scratch"),
        found(Engine.POSTGRES, "CREATE EXTENSION IF NOT EXISTS pgcrypto", Kind.Unparsed, "CREATE EXTENSION IF NOT EXISTS pgcrypto"),
        nothing(Engine.POSTGRES, "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE)"),
        nothing(Engine.POSTGRES, "CREATE INDEX CONCURRENTLY idx_users_email ON users (email)"),
        nothing(Engine.POSTGRES, "ALTER TABLE users ADD COLUMN created_at TIMESTAMPTZ DEFAULT now()"),
        nothing(Engine.POSTGRES, "ALTER TABLE users ALTER COLUMN email DROP NOT NULL"),
        nothing(Engine.POSTGRES, "DELETE FROM sessions WHERE expires_at < now()"),
        nothing(Engine.POSTGRES, "UPDATE users SET active = true WHERE id = 1"),
        nothing(Engine.POSTGRES, "DROP VIEW active_users"),
        nothing(Engine.POSTGRES, "ALTER TABLE orders DROP CONSTRAINT orders_user_fk"),
        // MySQL and MariaDB
        found(Engine.MYSQL, "DROP TABLE `legacy`", Kind.DropTable, "`legacy`"),
        found(Engine.MYSQL, "ALTER TABLE users MODIFY name VARCHAR(10) NOT NULL", Kind.ColumnTypeChanged, "users.name to VARCHAR (10)"),
        found(Engine.MYSQL, "ALTER TABLE users CHANGE title full_title VARCHAR(100)", Kind.Rename, "users.title -> full_title"),
        found(Engine.MYSQL, "ALTER TABLE users DROP INDEX idx_email", Kind.DropIndex, "users.idx_email"),
        found(Engine.MYSQL, "RENAME TABLE users TO customers", Kind.Rename, "users -> customers"),
        found(Engine.MARIADB, "DROP DATABASE app", Kind.DropDatabase, "app"),
        found(Engine.MARIADB, "CREATE OR REPLACE TABLE t (id INT)", Kind.DropTable, "t"),
        found(Engine.MARIADB, "TRUNCATE t", Kind.Truncate, "t"),
        found(Engine.MARIADB, "DELETE FROM users LIMIT 10", Kind.DeleteWithoutWhere, "users"),
        found(Engine.MARIADB, "ALTER TABLE users DROP email", Kind.DropColumn, "users.email"),
        found(Engine.MARIADB, "UPDATE t SET note = 'it\\'s; DROP TABLE x'", Kind.UpdateWithoutWhere, "t"),
        nothing(Engine.MYSQL, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB"),
        nothing(Engine.MARIADB, "ALTER TABLE users ADD COLUMN age INT NULL"),
        nothing(Engine.MARIADB, "INSERT INTO t (a) VALUES (1), (2)"),
        // SQL Server
        found(Engine.SQLSERVER, "DROP TABLE [dbo].[legacy]", Kind.DropTable, "[dbo].[legacy]"),
        found(Engine.SQLSERVER, "ALTER TABLE [dbo].[users] DROP COLUMN [email]", Kind.DropColumn, "[dbo].[users].[email]"),
        found(Engine.SQLSERVER, "ALTER TABLE users ALTER COLUMN name NVARCHAR(10) NOT NULL", Kind.ColumnTypeChanged, "users.name to NVARCHAR (10)"),
        found(Engine.SQLSERVER, "EXEC sp_rename 'dbo.users.name', 'full_name', 'COLUMN'", Kind.Rename, "'dbo.users.name', 'full_name', 'COLUMN'"),
        found(Engine.SQLSERVER, "DROP INDEX idx_email ON users", Kind.DropIndex, "idx_email"),
        found(Engine.SQLSERVER, "DROP INDEX idx_email ON dbo.users", Kind.Unparsed, "DROP INDEX idx_email ON dbo.users"),
        found(Engine.SQLSERVER, "TRUNCATE TABLE dbo.sessions", Kind.Truncate, "dbo.sessions"),
        found(Engine.SQLSERVER, "DELETE FROM [dbo].[audit]", Kind.DeleteWithoutWhere, "[dbo].[audit]"),
        nothing(Engine.SQLSERVER, "CREATE TABLE [dbo].[t] ([id] INT IDENTITY(1,1) NOT NULL PRIMARY KEY, [n] NVARCHAR(MAX))"),
        nothing(Engine.SQLSERVER, "UPDATE dbo.users SET active = 0 WHERE last_login < '2020-01-01'"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("statements")
  void eachStatementIsJudgedInItsEnginesDialect(Engine engine, String sql, Kind kind, String object) {
    List<DestructiveChange> found = analyse(engine, Map.of(), "V2__change.sql", sql + ";");

    if (kind == null) {
      assertThat(found).isEmpty();
    } else {
      assertThat(found).first().isEqualTo(new DestructiveChange(kind, "V2__change.sql", 1, object));
    }
  }

  @Test
  void aDropOfSeveralTablesFindsEachOfThem() {
    assertThat(analyse(Engine.POSTGRES, Map.of(), "V2__drop.sql", "DROP TABLE IF EXISTS a, b CASCADE;"))
        .extracting(DestructiveChange::object).containsExactly("a", "b");
  }

  @Test
  void findingsNameTheScriptAndTheStatementsPositionInIt() {
    String sql = """
        -- tidy up; nothing here is a statement
        CREATE TABLE archive (id INT);
        /* a comment; with a delimiter */
        INSERT INTO archive SELECT id FROM legacy;
        DROP TABLE legacy;
        """;

    assertThat(analyse(Engine.POSTGRES, Map.of(), "V5__drop_legacy.sql", sql))
        .containsExactly(new DestructiveChange(Kind.DropTable, "V5__drop_legacy.sql", 3, "legacy"));
  }

  @Test
  void placeholdersAreReplacedAsFlywayWouldBeforeTheScriptIsRead() {
    String sql = "DROP TABLE ${Prefix}_legacy; CREATE TABLE ${flyway:defaultSchema}.t (id INT); DELETE FROM ${table_name};";

    List<DestructiveChange> found = DestructiveChanges.in(Engine.POSTGRES,
        new MigrationSettings(List.of("app"), null, Map.of("prefix", "acme", "table_name", "sessions"), false, null, false, 30, 0),
        "appdb", List.of(new Script("V2__x.sql", sql)));

    assertThat(found).extracting(DestructiveChange::kind, DestructiveChange::object)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.DropTable, "acme_legacy"),
            org.assertj.core.groups.Tuple.tuple(Kind.DeleteWithoutWhere, "sessions"));
  }

  @Test
  void aPlaceholderWithoutAValueLeavesAStatementThatIsReportedUnread() {
    assertThat(analyse(Engine.POSTGRES, Map.of(), "V2__x.sql", "DROP TABLE ${missing};"))
        .extracting(DestructiveChange::kind).containsExactly(Kind.Unparsed);
  }

  @Test
  void aStatementHiddenBehindOneTheParserReadsIsNotLost() {
    // An unbalanced END keeps the splitter in a body, so both statements arrive as one piece:
    // the parser would read the UPDATE and stop; the piece is reported unread instead.
    String sql = "UPDATE t SET a = 1 WHERE b = 2 DROP TABLE users";

    assertThat(analyse(Engine.POSTGRES, Map.of(), "V2__x.sql", sql)).extracting(DestructiveChange::kind).containsExactly(Kind.Unparsed);
  }

  @Test
  void postgresFunctionBodiesInDollarQuotesAreOneStatementAndNotJudged() {
    String sql = """
        CREATE FUNCTION purge() RETURNS void AS $body$
          DELETE FROM audit; DROP TABLE scratch;
        $body$ LANGUAGE sql;
        SELECT 1;
        """;

    assertThat(ScriptStatements.split(Engine.POSTGRES, sql)).hasSize(2);
    assertThat(analyse(Engine.POSTGRES, Map.of(), "V2__x.sql", sql)).isEmpty();
  }

  @Test
  void sqlServerBatchesEndAtGoAndProcedureBodiesStayWhole() {
    String sql = """
        CREATE PROCEDURE dbo.purge AS
        BEGIN
          DELETE FROM dbo.audit;
        END
        GO
        DROP TABLE dbo.scratch
        GO
        """;

    assertThat(ScriptStatements.split(Engine.SQLSERVER, sql)).hasSize(2);
    assertThat(analyse(Engine.SQLSERVER, Map.of(), "V2__x.sql", sql))
        .containsExactly(new DestructiveChange(Kind.DropTable, "V2__x.sql", 2, "dbo.scratch"));
  }

  @Test
  void mysqlDelimitersAndExecutableCommentsAreReadAsTheServerReadsThem() {
    String sql = """
        DELIMITER //
        CREATE PROCEDURE purge() BEGIN DELETE FROM audit; END//
        DELIMITER ;
        /*!40101 DROP TABLE legacy */;
        # a comment; DROP TABLE not_a_statement
        SELECT 1;
        """;

    assertThat(analyse(Engine.MARIADB, Map.of(), "V2__x.sql", sql))
        .containsExactly(new DestructiveChange(Kind.DropTable, "V2__x.sql", 2, "legacy"));
  }

  @Test
  void findingsStopAtTheLimit() {
    String sql = "DELETE FROM t;\n".repeat(DestructiveChanges.LIMIT + 10);

    assertThat(analyse(Engine.POSTGRES, Map.of(), "V2__x.sql", sql)).hasSize(DestructiveChanges.LIMIT);
  }

  private static List<DestructiveChange> analyse(Engine engine, Map<String, String> placeholders, String name, String sql) {
    MigrationSettings settings = new MigrationSettings(List.of(), null, placeholders, false, null, false, 30, 0);
    return DestructiveChanges.in(engine, settings, "app", List.of(new Script(name, sql)));
  }

  private static Arguments found(Engine engine, String sql, Kind kind, String object) {
    return Arguments.of(engine, sql, kind, object);
  }

  private static Arguments nothing(Engine engine, String sql) {
    return Arguments.of(engine, sql, null, null);
  }
}
