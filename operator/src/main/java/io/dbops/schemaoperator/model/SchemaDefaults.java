package io.dbops.schemaoperator.model;

import java.time.Duration;

/**
 * What each optional DatabaseSchema field means when it is left out. The API server fills in the
 * CRD's defaults on some paths only (not for objects written before a default existed, nor for
 * specs read from files by the local commands), so every reader asks here instead of reading the
 * field itself, and the CRD's {@code @Default}s name these constants.
 */
public final class SchemaDefaults {
  public static final String TARGET = "latest";
  public static final String BASELINE_VERSION = "1";
  public static final int LOCK_SECONDS = 30;
  public static final int STATEMENT_SECONDS = 0;
  public static final int RETRY_LIMIT = 5;
  public static final int DRIFT_CHECK_SECONDS = 300;
  public static final long ACTIVE_DEADLINE_SECONDS = 1800;
  public static final String IMAGE_PATH = "/db/migration";
  public static final int BACKUP_KEEP = 5;

  private SchemaDefaults() {}

  public static String target(DatabaseSchemaSpec spec) {
    return spec.getTarget() == null || spec.getTarget().isBlank() ? TARGET : spec.getTarget();
  }

  public static boolean baselineOnMigrate(DatabaseSchemaSpec spec) {
    return spec.getBaseline() != null && Boolean.TRUE.equals(spec.getBaseline().getOnMigrate());
  }

  public static String baselineVersion(DatabaseSchemaSpec spec) {
    return spec.getBaseline() == null || spec.getBaseline().getVersion() == null ? BASELINE_VERSION : spec.getBaseline().getVersion();
  }

  public static boolean outOfOrder(DatabaseSchemaSpec spec) {
    return Boolean.TRUE.equals(spec.getOutOfOrder());
  }

  public static int lockSeconds(DatabaseSchemaSpec spec) {
    return spec.getTimeouts() == null || spec.getTimeouts().getLockSeconds() == null ? LOCK_SECONDS : spec.getTimeouts().getLockSeconds();
  }

  public static int statementSeconds(DatabaseSchemaSpec spec) {
    return spec.getTimeouts() == null || spec.getTimeouts().getStatementSeconds() == null
        ? STATEMENT_SECONDS : spec.getTimeouts().getStatementSeconds();
  }

  public static int retryLimit(DatabaseSchemaSpec spec) {
    return spec.getRetry() == null || spec.getRetry().getLimit() == null ? RETRY_LIMIT : spec.getRetry().getLimit();
  }

  public static Duration driftInterval(DatabaseSchemaSpec spec) {
    return Duration.ofSeconds(spec.getDriftCheck() == null || spec.getDriftCheck().getIntervalSeconds() == null
        ? DRIFT_CHECK_SECONDS : spec.getDriftCheck().getIntervalSeconds());
  }

  public static Approval approval(DatabaseSchemaSpec spec) {
    return spec.getApproval() == null ? Approval.Automatic : spec.getApproval();
  }

  public static DeletionPolicy deletionPolicy(DatabaseSchemaSpec spec) {
    return spec.getDeletionPolicy() == null ? DeletionPolicy.Retain : spec.getDeletionPolicy();
  }

  public static long activeDeadlineSeconds(DatabaseSchemaSpec spec) {
    return spec.getJob() == null || spec.getJob().getActiveDeadlineSeconds() == null
        ? ACTIVE_DEADLINE_SECONDS : spec.getJob().getActiveDeadlineSeconds();
  }

  public static Transaction transaction(DatabaseSchemaSpec spec) {
    return spec.getTransaction() == null ? Transaction.PerScript : spec.getTransaction();
  }

  public static DestructivePolicy destructivePolicy(DatabaseSchemaSpec spec) {
    return spec.getPolicy() == null || spec.getPolicy().getDestructive() == null ? DestructivePolicy.Allow : spec.getPolicy().getDestructive();
  }

  public static boolean backupBeforeMigrate(DatabaseSchemaSpec spec) {
    return spec.getBackup() != null && Boolean.TRUE.equals(spec.getBackup().getBeforeMigrate());
  }

  public static int backupKeep(DatabaseSchemaSpec spec) {
    return spec.getBackup() == null || spec.getBackup().getKeep() == null ? BACKUP_KEEP : spec.getBackup().getKeep();
  }

  public static String imagePath(ImageSource image) {
    return image.getPath() == null || image.getPath().isBlank() ? IMAGE_PATH : image.getPath();
  }
}
