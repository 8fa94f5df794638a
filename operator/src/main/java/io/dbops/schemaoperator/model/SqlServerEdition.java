package io.dbops.schemaoperator.model;

/** Values of the MSSQL_PID variable the SQL Server image understands. */
public enum SqlServerEdition {
  Developer,
  Express,
  Standard,
  Enterprise,
  EnterpriseCore
}
