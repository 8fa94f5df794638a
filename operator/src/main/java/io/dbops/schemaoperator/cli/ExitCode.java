package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.MigrationResult;
import java.util.Collection;

/** DESIGN.md's exit codes, and how several results combine into one. */
final class ExitCode {
  static final int SUCCESS = 0;
  static final int MIGRATION_FAILED = 1;
  static final int TRANSIENT = 2;
  static final int CONFIGURATION = 3;

  private ExitCode() {}

  /** The code a person must act on first: bad configuration, then failed scripts, then transient trouble. */
  static int worst(Collection<MigrationResult> results) {
    int worst = SUCCESS;
    for (MigrationResult r : results) {
      worst = worse(worst, r.exitCode());
    }
    return worst;
  }

  static int worse(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int code) {
    return switch (code) {
      case CONFIGURATION -> 3;
      case MIGRATION_FAILED -> 2;
      case TRANSIENT -> 1;
      default -> 0;
    };
  }
}
