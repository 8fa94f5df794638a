package io.dbops.schemaoperator.model;

/** How a run's scripts are committed. */
public enum Transaction {
  /** Each script in its own transaction, as Flyway does by default: a failure keeps the scripts before it. */
  PerScript,
  /**
   * The whole run in one transaction (Flyway's group mode): a failure leaves the database, its
   * history table included, as it was. Only where DDL is transactional: PostgreSQL and SQL Server.
   */
  All
}
