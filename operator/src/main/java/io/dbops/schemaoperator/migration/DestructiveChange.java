package io.dbops.schemaoperator.migration;

/**
 * One statement of a pending script that may lose data or break the application that reads it, as
 * {@link DestructiveChanges} found it.
 *
 * @param script the script's file name
 * @param statement the statement's position in the script, from 1
 * @param object what it changes (a table, "table.column", "old -> new"), or for {@link Kind#Unparsed}
 *     the statement's opening words
 */
public record DestructiveChange(Kind kind, String script, int statement, String object) {

  public enum Kind {
    DropTable,
    DropSchema,
    DropDatabase,
    DropColumn,
    DropIndex,
    /** DROP ... CASCADE of another kind of object (a type, a function): it removes what depends on it, columns included. */
    DropCascade,
    /** TRUNCATE, and dropping or truncating a partition. */
    Truncate,
    /**
     * ALTER ... TYPE / MODIFY / CHANGE / ALTER COLUMN with a type. Whether it narrows depends on the
     * column's current type, which the statement does not say: every type change is reported.
     */
    ColumnTypeChanged,
    /** A table or column renamed: the application still running reads the old name. */
    Rename,
    DeleteWithoutWhere,
    UpdateWithoutWhere,
    /** A statement the parser cannot read: nothing is known about what it does. */
    Unparsed
  }

  /** One line for a person: "V5__drop_legacy.sql statement 3: DropTable legacy". */
  public String describe() {
    return script + " statement " + statement + ": " + kind + " " + object;
  }
}
