package io.dbops.schemaoperator.migration;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Patterns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Guards spec.parameters. A value must not smuggle extra driver properties through the characters
 * its driver reads as separators, and a parameter must not quietly override what the operator owns:
 * login, database and TLS are set through their own fields so that tls.mode means what it says.
 */
final class DriverParameters {
  private static final Set<String> OWNED =
      Set.of(
          "user", "username", "password", "databasename", "database", "dbname", "servername", "portnumber",
          "ssl", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslfactory", "sslhostnameverifier",
          "encrypt", "trustservercertificate", "truststore", "truststorepassword", "truststoretype",
          // mssql-jdbc instantiates trustManagerClass instead of validating the certificate itself.
          "trustmanagerclass", "trustmanagerconstructorarg",
          "hostnameincertificate", "trustcertificatekeystoreurl", "trustcertificatekeystorepassword",
          "trustcertificatekeystoretype", "requiressl", "verifyservercertificate", "usessl");

  private DriverParameters() {}

  static void check(Engine engine, Map<String, String> parameters) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String name = p.getKey();
      String value = p.getValue() == null ? "" : p.getValue();
      if (!name.matches(Patterns.PARAMETER_NAME)) {
        problems.add("parameter name '" + name + "' is not a driver property name");
        continue;
      }
      if (OWNED.contains(name.toLowerCase(Locale.ROOT))) {
        problems.add("parameter '" + name + "' is set by the operator: use credentials, database or tls.mode instead");
        continue;
      }
      String bad = separatorsIn(engine, value);
      if (!bad.isEmpty()) {
        problems.add("parameter '" + name + "' contains " + bad + ", which the " + engine.wireName()
            + " driver reads as a separator between properties");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("spec.parameters: " + String.join("; ", problems));
    }
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
}
