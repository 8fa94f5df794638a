package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.Map;

/**
 * The admin login of a managed database, generated once. It has no owner reference: deleting the
 * DatabaseConnection leaves it, with the data it opens.
 */
public final class AdminSecretBuilder {
  static final int LENGTH = 32;
  private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
  private static final String DIGITS = "23456789";
  /** Symbols that need no quoting in a JDBC URL, a shell or a connection string. */
  private static final String SYMBOLS = "-_.+";
  private static final String ALL = UPPER + LOWER + DIGITS + SYMBOLS;

  private AdminSecretBuilder() {}

  public static Secret build(DatabaseConnection connection, SecureRandom random) {
    return new SecretBuilder()
        .withNewMetadata()
            .withName(ManagedInstance.adminSecretName(connection))
            .withNamespace(connection.getMetadata().getNamespace())
            .withLabels(ManagedInstance.labels(connection))
        .endMetadata()
        .withType("Opaque")
        .withStringData(Map.of(
            ManagedInstance.USERNAME_KEY, ManagedInstance.adminUser(connection.getSpec().getEngine()),
            ManagedInstance.PASSWORD_KEY, password(random)))
        .build();
  }

  /**
   * 32 characters with at least one of each class, which meets SQL Server's complexity rule (three of
   * the four classes, at least 8 long) with room to spare.
   */
  static String password(SecureRandom random) {
    char[] password = new char[LENGTH];
    String[] classes = {UPPER, LOWER, DIGITS, SYMBOLS};
    for (int i = 0; i < LENGTH; i++) {
      String from = i < classes.length ? classes[i] : ALL;
      password[i] = from.charAt(random.nextInt(from.length()));
    }
    for (int i = LENGTH - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      char t = password[i];
      password[i] = password[j];
      password[j] = t;
    }
    // A leading symbol could be read as an option by command-line clients such as sqlcmd -P.
    for (int i = 0; !Character.isLetter(password[0]); i++) {
      if (Character.isLetter(password[i])) {
        char t = password[0];
        password[0] = password[i];
        password[i] = t;
      }
    }
    return new String(password);
  }
}
