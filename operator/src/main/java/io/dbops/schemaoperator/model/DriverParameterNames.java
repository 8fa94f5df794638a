package io.dbops.schemaoperator.model;

import java.util.Arrays;
import java.util.List;

/**
 * The driver properties spec.parameters may set, per engine: tuning knobs (timeouts, fetch and
 * cache sizes, character set, application name) that change nothing about where the driver
 * connects, who it logs in as, or what it loads, opens or deserializes. Written as regular
 * expression alternatives so that the CRD's CEL rules and the operator's own check read the same
 * constant; migration/DriverProperties says what values each one takes.
 */
public final class DriverParameterNames {
  /** pgjdbc. */
  public static final String POSTGRES = "ApplicationName|assumeMinServerVersion|autosave|binaryTransfer"
      + "|cancelSignalTimeout|cleanupSavepoints|connectTimeout|currentSchema|defaultRowFetchSize|loginTimeout"
      + "|options|prepareThreshold|preparedStatementCacheQueries|preparedStatementCacheSizeMiB|preferQueryMode"
      + "|reWriteBatchedInserts|socketTimeout|stringtype|tcpKeepAlive|tcpNoDelay";

  /** mysql-connector-j, for MySQL and MariaDB alike. */
  public static final String MYSQL = "allowPublicKeyRetrieval|cachePrepStmts|characterEncoding|connectTimeout"
      + "|connectionCollation|connectionTimeZone|defaultFetchSize|forceConnectionTimeZoneToSession|maxAllowedPacket"
      + "|netTimeoutForStreamingResults|prepStmtCacheSize|prepStmtCacheSqlLimit|preserveInstants"
      + "|rewriteBatchedStatements|serverTimezone|socketTimeout|tcpKeepAlive|tcpNoDelay|tinyInt1isBit"
      + "|transformedBitIsBoolean|useCompression|useCursorFetch|useServerPrepStmts|yearIsDateType|zeroDateTimeBehavior";

  /** mssql-jdbc. */
  public static final String SQLSERVER = "applicationName|cancelQueryTimeout|connectRetryCount|connectRetryInterval"
      + "|datetimeParameterType|delayLoadingLobs|disableStatementPooling|enablePrepareOnFirstPreparedStatementCall"
      + "|iPAddressPreference|lastUpdateCount|loginTimeout|multiSubnetFailover|packetSize|prepareMethod|queryTimeout"
      + "|responseBuffering|selectMethod|sendStringParametersAsUnicode|sendTimeAsDatetime"
      + "|serverPreparedStatementDiscardThreshold|socketTimeout|statementPoolingCacheSize|workstationID|xopenStates";

  private DriverParameterNames() {}

  /** The allowed names for an engine, as a list. */
  public static List<String> of(Engine engine) {
    String alternatives = switch (engine) {
      case POSTGRES -> POSTGRES;
      case MYSQL, MARIADB -> MYSQL;
      case SQLSERVER -> SQLSERVER;
    };
    return Arrays.asList(alternatives.split("\\|"));
  }
}
