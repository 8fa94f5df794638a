package io.dbops.schemaoperator.jobenv;

/**
 * The names a migration Job's container is configured by: the operator's Job builder writes them,
 * the {@code migrate} command reads them. One list, so the two sides cannot drift apart.
 *
 * <pre>
 * DBOPS_OPERATION    migrate (default) | info | validate | repair | drop (deletionPolicy Drop)
 * DBOPS_CONNECTION   the DatabaseConnection spec as JSON; it holds Secret names, never secrets
 * DBOPS_SCHEMA       the DatabaseSchema spec as JSON; its migrations may be left out
 * DBOPS_MIGRATIONS   ':'-separated directories holding the scripts (default /migrations)
 * DBOPS_CA_FILE      the CA certificate named by tls.caSecretRef, mounted as a file
 * DBOPS_USERNAME, DBOPS_PASSWORD, or DBOPS_JDBC_URL   from the Secret, as secretKeyRef env;
 *                    each may be given as a file instead, with the suffix _FILE ({@link EnvironmentLogin})
 * DBOPS_RESULT_FILE  where the compact JSON result goes (default /dev/termination-log)
 * JAVA_TOOL_OPTIONS  the JVM options of the short-lived process ({@link MigrateJvm})
 * </pre>
 */
public final class JobEnvironment {
  public static final String OPERATION = "DBOPS_OPERATION";
  public static final String CONNECTION = "DBOPS_CONNECTION";
  public static final String SCHEMA = "DBOPS_SCHEMA";
  public static final String MIGRATIONS = "DBOPS_MIGRATIONS";
  public static final String CA_FILE = "DBOPS_CA_FILE";
  public static final String RESULT_FILE = "DBOPS_RESULT_FILE";
  public static final String JVM_OPTIONS = "JAVA_TOOL_OPTIONS";
  public static final String DEFAULT_MIGRATIONS = "/migrations";
  public static final String DEFAULT_RESULT_FILE = "/dev/termination-log";

  private JobEnvironment() {}
}
