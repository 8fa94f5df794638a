package io.dbops.schemaoperator.model;

/** Regular expressions the API server enforces through the generated CRDs. */
public final class Patterns {
  /** RFC 1123 subdomain: names of Secrets, ConfigMaps and our own resources. */
  public static final String K8S_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  /** Keys of Secrets and ConfigMaps. */
  public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";
  /** A DNS name or an IPv4 address; nothing that could carry a port, path or query. */
  public static final String HOST = "^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$";
  /** A database name: letters, digits, underscore and hyphen (quoted where the engine needs it). */
  public static final String DATABASE = "^[A-Za-z_][A-Za-z0-9_-]{0,62}$";
  /** A schema name, unquoted-safe on every engine. */
  public static final String SCHEMA = "^[A-Za-z_][A-Za-z0-9_]{0,62}$";
  /**
   * Flyway's versioned (V1__x.sql, V1.2__x.sql) and repeatable (R__x.sql) file names, limited to the
   * characters a ConfigMap key may hold, since every script travels to its Job as one.
   */
  public static final String MIGRATION_FILE = "^(V[0-9]+([._][0-9]+)*|R)__[A-Za-z0-9][A-Za-z0-9_.-]*\\.sql$";
  /** A Flyway version such as 4 or 1.2.3. */
  public static final String VERSION = "^[0-9]+([._][0-9]+)*$";
  /** latest, or a Flyway version. */
  public static final String TARGET = "^(latest|[0-9]+([._][0-9]+)*)$";
  /** A placeholder or driver parameter name. */
  public static final String PARAMETER_NAME = "^[A-Za-z][A-Za-z0-9_.]*$";
  /**
   * An absolute directory inside an image: segments of letters, digits and . _ - @ +, none of them
   * "." or "..". Nothing a shell, a glob or a path walk reads specially, although the path reaches
   * the init container's script as data, never as script text.
   */
  public static final String IMAGE_PATH = "^(/\\.*[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)+/?$";
  /**
   * A label key, as the API server checks it: [DNS subdomain prefix/]name of at most 63 (the
   * prefix's length of at most 253 is left to the rules that use it). No backslash, so that CEL
   * rules can quote it.
   */
  public static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
  /** A label value: empty, or at most 63 letters, digits, '-', '_', '.', beginning and ending alphanumeric. */
  public static final String LABEL_VALUE = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";
  /**
   * A resource quantity as the API server reads one (e.g. 500m, 1.5Gi, 2e3), never negative: a
   * request or limit below zero is refused in a Pod anyway.
   */
  public static final String QUANTITY = "^\\+?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][-+]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  /**
   * The name of a DatabaseConnection with spec.instance, which names its StatefulSet and Services:
   * a DNS-1035 label (a Service name) of at most 52 characters, since the StatefulSet controller
   * labels each revision "name-hash" and a label value holds 63.
   */
  public static final String INSTANCE_NAME = "^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$";

  private Patterns() {}
}
