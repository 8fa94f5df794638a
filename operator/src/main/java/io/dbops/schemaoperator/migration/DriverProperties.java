package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.DriverParameterNames;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Patterns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Which driver properties a user may set, and to what. spec.parameters and the properties of a
 * urlFrom URL pass a per-engine allowlist ({@link DriverParameterNames}, the same names the CRD
 * admits): tuning only. A driver property that loads a class, opens a file, sends the connection
 * elsewhere, deserializes objects or lends the operator's own identity never reaches a driver,
 * and the switches drivers have for such things are forced off in every set of properties.
 */
final class DriverProperties {
  /** The most a user may make the operator's own probe wait to connect or log in. */
  private static final int MAX_CONNECT_SECONDS = 300;
  private static final int DAY_SECONDS = 86_400;

  private static final Map<String, Rule> POSTGRES = rules(
      "ApplicationName", Rule.text("^[ -~]{0,63}$", "at most 63 printable ASCII characters"),
      "assumeMinServerVersion", Rule.text("^[0-9]{1,2}(\\.[0-9]{1,2}){0,2}$", "a version such as 14 or 9.6"),
      "autosave", Rule.choice("always", "never", "conservative"),
      "binaryTransfer", Rule.bool(),
      "cancelSignalTimeout", Rule.number(0, DAY_SECONDS, "seconds"),
      "cleanupSavepoints", Rule.bool(),
      "connectTimeout", Rule.number(0, MAX_CONNECT_SECONDS, "seconds"),
      "currentSchema", Rule.text("^[A-Za-z_][A-Za-z0-9_$]{0,62}(,[A-Za-z_][A-Za-z0-9_$]{0,62}){0,15}$",
          "schema names separated by commas"),
      "defaultRowFetchSize", Rule.number(0, 1_000_000, "rows"),
      "loginTimeout", Rule.number(0, MAX_CONNECT_SECONDS, "seconds"),
      "options", Rule.text("^[ -~]{0,1024}$", "at most 1024 printable ASCII characters, e.g. -c statement_timeout=0"),
      "prepareThreshold", Rule.number(-1, 1_000_000, "executions"),
      "preparedStatementCacheQueries", Rule.number(0, 100_000, "statements"),
      "preparedStatementCacheSizeMiB", Rule.number(0, 1024, "MiB"),
      "preferQueryMode", Rule.choice("extended", "extendedForPrepared", "extendedCacheEverything", "simple"),
      "reWriteBatchedInserts", Rule.bool(),
      "socketTimeout", Rule.number(0, DAY_SECONDS, "seconds"),
      "stringtype", Rule.choice("unspecified", "varchar"),
      "tcpKeepAlive", Rule.bool(),
      "tcpNoDelay", Rule.bool());

  private static final Map<String, Rule> MYSQL = rules(
      "allowPublicKeyRetrieval", Rule.bool(),
      "cachePrepStmts", Rule.bool(),
      "characterEncoding", Rule.text("^[A-Za-z0-9_-]{1,40}$", "a Java or MySQL character set name such as UTF-8"),
      "connectTimeout", Rule.number(0, MAX_CONNECT_SECONDS * 1000, "milliseconds"),
      "connectionCollation", Rule.text("^[A-Za-z0-9_]{1,64}$", "a collation name such as utf8mb4_0900_ai_ci"),
      "connectionTimeZone", Rule.text("^[A-Za-z0-9_/+:-]{1,64}$", "LOCAL, SERVER or a time zone such as UTC"),
      "defaultFetchSize", Rule.number(0, 1_000_000, "rows"),
      "forceConnectionTimeZoneToSession", Rule.bool(),
      "maxAllowedPacket", Rule.number(1024, 1_073_741_824, "bytes"),
      "netTimeoutForStreamingResults", Rule.number(0, DAY_SECONDS, "seconds"),
      "prepStmtCacheSize", Rule.number(0, 100_000, "statements"),
      "prepStmtCacheSqlLimit", Rule.number(0, 1_048_576, "characters"),
      "preserveInstants", Rule.bool(),
      "rewriteBatchedStatements", Rule.bool(),
      "serverTimezone", Rule.text("^[A-Za-z0-9_/+:-]{1,64}$", "a time zone such as UTC"),
      "socketTimeout", Rule.number(0, DAY_SECONDS * 1000, "milliseconds"),
      "tcpKeepAlive", Rule.bool(),
      "tcpNoDelay", Rule.bool(),
      "tinyInt1isBit", Rule.bool(),
      "transformedBitIsBoolean", Rule.bool(),
      "useCompression", Rule.bool(),
      "useCursorFetch", Rule.bool(),
      "useServerPrepStmts", Rule.bool(),
      "yearIsDateType", Rule.bool(),
      "zeroDateTimeBehavior", Rule.choice("EXCEPTION", "ROUND", "CONVERT_TO_NULL"));

  private static final Map<String, Rule> SQLSERVER = rules(
      "applicationName", Rule.text("^[ -~]{0,128}$", "at most 128 printable ASCII characters"),
      "cancelQueryTimeout", Rule.number(-1, DAY_SECONDS, "seconds"),
      "connectRetryCount", Rule.number(0, 255, "attempts"),
      "connectRetryInterval", Rule.number(1, 60, "seconds"),
      "datetimeParameterType", Rule.choice("datetime", "datetime2", "datetimeoffset"),
      "delayLoadingLobs", Rule.bool(),
      "disableStatementPooling", Rule.bool(),
      "enablePrepareOnFirstPreparedStatementCall", Rule.bool(),
      "iPAddressPreference", Rule.choice("IPv4First", "IPv6First", "UsePlatformDefault"),
      "lastUpdateCount", Rule.bool(),
      "loginTimeout", Rule.number(0, MAX_CONNECT_SECONDS, "seconds"),
      "multiSubnetFailover", Rule.bool(),
      "packetSize", Rule.number(-1, 32_767, "bytes"),
      "prepareMethod", Rule.choice("prepexec", "prepare"),
      "queryTimeout", Rule.number(-1, DAY_SECONDS, "seconds"),
      "responseBuffering", Rule.choice("adaptive", "full"),
      "selectMethod", Rule.choice("direct", "cursor"),
      "sendStringParametersAsUnicode", Rule.bool(),
      "sendTimeAsDatetime", Rule.bool(),
      "serverPreparedStatementDiscardThreshold", Rule.number(0, 100_000, "statements"),
      "socketTimeout", Rule.number(0, DAY_SECONDS * 1000, "milliseconds"),
      "statementPoolingCacheSize", Rule.number(0, 100_000, "statements"),
      "workstationID", Rule.text("^[ -~]{0,128}$", "at most 128 printable ASCII characters"),
      "xopenStates", Rule.bool());

  /**
   * What a urlFrom URL may carry beyond the tuning properties: the login and the TLS mode, since
   * the URL is where a login kept as one string lives. Certificates and key stores are files and
   * stay out: a URL login verifies against the driver's own trust store.
   */
  private static final Map<String, Rule> POSTGRES_URL_ONLY = rules(
      "user", Rule.text(".{1,128}", "a user name"),
      "password", Rule.password(),
      "sslmode", Rule.choice("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
      "ssl", Rule.bool());
  private static final Map<String, Rule> MYSQL_URL_ONLY = rules(
      "user", Rule.text(".{1,128}", "a user name"),
      "password", Rule.password(),
      "sslMode", Rule.choice("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"),
      "useSSL", Rule.bool());
  private static final Map<String, Rule> SQLSERVER_URL_ONLY = rules(
      "user", Rule.text(".{1,128}", "a user name"),
      "password", Rule.password(),
      "encrypt", Rule.choice("true", "false", "strict", "mandatory", "optional", "yes", "no"),
      "trustServerCertificate", Rule.bool(),
      "hostNameInCertificate", Rule.text(Patterns.HOST, "a host name"));

  /**
   * Switches that are off by default and must stay off whatever anyone writes: a server that asks
   * for LOCAL INFILE would get any file of the operator's Pod, its ServiceAccount token included.
   * (Connector/J 9 no longer has autoDeserialize; the name stays refused in case an older driver
   * is ever put back.)
   */
  private static final Map<String, String> MYSQL_FORCED = Map.of(
      "allowLoadLocalInfile", "false",
      "allowUrlInLocalInfile", "false",
      "dnsSrv", "false");
  private static final Map<String, String> POSTGRES_FORCED = Map.of(
      "gssUseDefaultCreds", "false");
  private static final Map<String, String> SQLSERVER_FORCED = Map.of(
      "integratedSecurity", "false",
      "useDefaultGSSCredential", "false",
      "useDefaultJaasConfig", "false");

  /** Why a known dangerous property is refused, by lower-case name: the message then says what it would do. */
  private static final Map<String, String> DANGERS = dangers();

  private DriverProperties() {}

  /** The properties spec.parameters may set for an engine, in the CRD's order. */
  static Map<String, Rule> allowed(Engine engine) {
    return switch (engine) {
      case POSTGRES -> POSTGRES;
      case MYSQL, MARIADB -> MYSQL;
      case SQLSERVER -> SQLSERVER;
    };
  }

  /** Checks spec.parameters; every problem is reported at once. */
  static void checkParameters(Engine engine, Map<String, String> parameters) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String problem = problem(engine, p.getKey(), p.getValue() == null ? "" : p.getValue(), allowed(engine), true);
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("spec.parameters: " + String.join("; ", problems));
    }
  }

  /**
   * Checks the properties of a urlFrom URL and returns them under the driver's own spelling (SQL
   * Server reads names without regard to case). Values are never repeated in a message: they may
   * be the password.
   */
  static Map<String, String> checkUrlProperties(Engine engine, Map<String, String> properties) {
    Map<String, Rule> allowed = new LinkedHashMap<>(allowed(engine));
    allowed.putAll(switch (engine) {
      case POSTGRES -> POSTGRES_URL_ONLY;
      case MYSQL, MARIADB -> MYSQL_URL_ONLY;
      case SQLSERVER -> SQLSERVER_URL_ONLY;
    });
    List<String> problems = new ArrayList<>();
    Map<String, String> checked = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : properties.entrySet()) {
      String name = engine == Engine.SQLSERVER ? canonical(p.getKey(), allowed) : p.getKey();
      String problem = problem(engine, name, p.getValue(), allowed, false);
      if (problem != null) {
        problems.add(problem);
      } else if (checked.put(name, p.getValue()) != null) {
        problems.add("property '" + name + "' is given twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("the urlFrom Secret's JDBC URL: " + String.join("; ", problems));
    }
    return checked;
  }

  /** Sets the engine's dangerous switches off, over anything set before. */
  static void forceOff(Engine engine, Properties properties) {
    properties.putAll(switch (engine) {
      case POSTGRES -> POSTGRES_FORCED;
      case MYSQL, MARIADB -> MYSQL_FORCED;
      case SQLSERVER -> SQLSERVER_FORCED;
    });
  }

  /**
   * @param parameter spec.parameters, whose values must not hold the driver's separators; a URL's
   *     values were split out of it already and travel as properties, never as URL text
   */
  private static String problem(Engine engine, String name, String value, Map<String, Rule> allowed, boolean parameter) {
    String what = parameter ? "parameter" : "property";
    if (!name.matches(Patterns.PARAMETER_NAME)) {
      return what + " name '" + printable(name) + "' is not a driver property name";
    }
    Rule rule = allowed.get(name);
    if (rule == null) {
      String danger = DANGERS.get(name.toLowerCase(Locale.ROOT));
      return what + " '" + name + "' is not allowed" + (danger == null ? "" : ": " + danger)
          + "; " + engine.wireName() + " allows " + String.join(", ", allowed.keySet());
    }
    String separators = parameter ? separatorsIn(engine, value) : "";
    if (!separators.isEmpty()) {
      return what + " '" + name + "' contains " + separators + ", which the " + engine.wireName()
          + " driver reads as a separator between properties";
    }
    // A URL's values are never quoted: a password put in the wrong place would be printed.
    return rule.accepts(value) ? null : what + " '" + name + "' must be " + rule.expected()
        + (parameter ? " (is '" + printable(value) + "')" : "");
  }

  private static String canonical(String name, Map<String, Rule> allowed) {
    for (String known : allowed.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    return name;
  }

  private static String separatorsIn(Engine engine, String value) {
    String forbidden = switch (engine) {
      case SQLSERVER -> ";={}";
      case MYSQL, MARIADB -> "&?=#";
      // pgjdbc's options property legitimately holds "-c key=value", so '=' stays allowed.
      case POSTGRES -> "&?#";
    };
    StringBuilder found = new StringBuilder();
    for (char c : value.toCharArray()) {
      if ((forbidden.indexOf(c) >= 0 || c < 0x20) && found.indexOf(String.valueOf(c)) < 0) {
        if (found.length() > 0) {
          found.append(' ');
        }
        found.append(c < 0x20 ? "a control character" : "'" + c + "'");
      }
    }
    return found.toString();
  }

  /** A user's text as it may appear in a message: short, one line. */
  private static String printable(String text) {
    String flat = text.replaceAll("\\p{Cntrl}", "?");
    return flat.length() <= 64 ? flat : flat.substring(0, 61) + "...";
  }

  private static Map<String, Rule> rules(Object... nameThenRule) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (int i = 0; i < nameThenRule.length; i += 2) {
      rules.put((String) nameThenRule[i], (Rule) nameThenRule[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(rules);
  }

  private static Map<String, String> dangers() {
    Map<String, String> dangers = new LinkedHashMap<>();
    String redirects = "it would send the connection to another server than spec.host (or the URL's host) names";
    for (String name : List.of("PGHOST", "PGPORT", "PGDBNAME", "service", "host", "port", "dbname", "server", "serverName",
        "portNumber", "instanceName", "failoverPartner", "address", "addr", "socksProxyHost", "socksProxyPort", "dnsSrv",
        "localSocketAddress", "loadBalanceHosts", "targetServerType", "applicationIntent")) {
      dangers.put(name.toLowerCase(Locale.ROOT), redirects);
    }
    String loadsClass = "it makes the driver load a class inside the operator";
    for (String name : List.of("socketFactory", "socketFactoryArg", "sslfactory", "sslfactoryarg", "sslhostnameverifier",
        "sslpasswordcallback", "authenticationPluginClassName", "connectExecutor", "xmlFactoryFactory",
        "queryInterceptors", "connectionLifecycleInterceptors", "exceptionInterceptors", "propertiesTransform",
        "authenticationPlugins", "defaultAuthenticationPlugin", "disabledAuthenticationPlugins", "profilerEventHandler",
        "logger", "clientInfoProvider", "loadBalanceExceptionChecker", "serverConfigCacheFactory",
        "queryInfoCacheFactory", "authenticationWebAuthnCallbackHandler", "authenticationOpenidConnectCallbackHandler",
        "socketFactoryClass", "socketFactoryConstructorArg", "trustManagerClass", "trustManagerConstructorArg",
        "accessTokenCallbackClass", "useConfigs", "ha.loadBalanceStrategy")) {
      dangers.put(name.toLowerCase(Locale.ROOT), loadsClass);
    }
    String opensFile = "it makes the driver read or write a file of the operator's Pod";
    for (String name : List.of("loggerFile", "loggerLevel", "sslcert", "sslkey", "sslrootcert", "allowLoadLocalInfile",
        "allowLoadLocalInfileInPath", "allowUrlInLocalInfile", "serverRSAPublicKeyFile", "ociConfigFile",
        "trustCertificateKeyStoreUrl", "clientCertificateKeyStoreUrl", "trustStore", "keyStoreLocation",
        "clientCertificate", "clientKey", "serverCertificate", "jaasApplicationName")) {
      dangers.put(name.toLowerCase(Locale.ROOT), opensFile);
    }
    dangers.put("autodeserialize", "it makes the driver deserialize Java objects the server sends");
    String identity = "it would log in with the operator's own identity instead of the connection's";
    for (String name : List.of("integratedSecurity", "authenticationScheme", "authentication", "msiClientId",
        "gssUseDefaultCreds", "useDefaultGSSCredential", "useDefaultJaasConfig", "jaasLogin", "kerberosServerName",
        "gsslib", "useSpnego", "gssEncMode")) {
      dangers.put(name.toLowerCase(Locale.ROOT), identity);
    }
    String owned = "the operator sets it: use credentials, database or tls.mode instead";
    for (String name : List.of("user", "username", "password", "password1", "password2", "password3", "databaseName",
        "database", "ssl", "sslmode", "sslNegotiation", "encrypt", "trustServerCertificate", "trustStorePassword",
        "trustStoreType", "hostNameInCertificate", "trustCertificateKeyStorePassword", "trustCertificateKeyStoreType",
        "requireSSL", "verifyServerCertificate", "useSSL", "sslProtocol", "connectionAttributes")) {
      dangers.putIfAbsent(name.toLowerCase(Locale.ROOT), owned);
    }
    return java.util.Collections.unmodifiableMap(dangers);
  }

  /** The values one property takes. */
  record Rule(Pattern pattern, String expected, long min, long max) {
    static Rule bool() {
      return new Rule(Pattern.compile("^(true|false)$"), "true or false", 0, 0);
    }

    static Rule choice(String... values) {
      return new Rule(Pattern.compile("^(" + String.join("|", values) + ")$"), "one of " + String.join(", ", values),
          0, 0);
    }

    static Rule number(long min, long max, String unit) {
      return new Rule(null, "a whole number of " + unit + " from " + min + " to " + max, min, max);
    }

    static Rule text(String pattern, String expected) {
      return new Rule(Pattern.compile(pattern), expected, 0, 0);
    }

    static Rule password() {
      return new Rule(Pattern.compile("^.{0,1024}$", Pattern.DOTALL), "at most 1024 characters", 0, 0);
    }

    boolean accepts(String value) {
      if (pattern != null) {
        return pattern.matcher(value).matches();
      }
      if (!value.matches("^-?[0-9]{1,10}$")) {
        return false;
      }
      long n = Long.parseLong(value);
      return n >= min && n <= max;
    }
  }
}
