package io.dbops.schemaoperator.controller.schema;

import java.time.Duration;

/** Waits between transient retries: 10 s, doubling, at most 10 minutes. */
final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofMinutes(10);

  private Backoff() {}

  /** The wait before retry number {@code retry} (1 for the first retry). */
  static Duration before(int retry) {
    Duration wait = FIRST;
    for (int i = 1; i < retry && wait.compareTo(MAX) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(MAX) > 0 ? MAX : wait;
  }
}
