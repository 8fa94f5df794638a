package io.dbops.schemaoperator.bench;

import java.util.List;

/** The JVM options a migration Job's container starts with. */
final class JobJvm {
  private JobJvm() {}

  static List<String> options() {
    return List.of();
  }
}
