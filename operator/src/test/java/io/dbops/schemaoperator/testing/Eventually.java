package io.dbops.schemaoperator.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a condition holds: controllers converge, they do not answer synchronously. */
public final class Eventually {
  private Eventually() {}

  public static void await(String what, Duration limit, Supplier<Boolean> condition) {
    await(what, limit, condition, () -> "");
  }

  /** The same, and a timeout says what {@code seen} describes at that moment, so a failure says where it stopped. */
  public static void await(String what, Duration limit, Supplier<Boolean> condition, Supplier<String> seen) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException | AssertionError ignored) {
        // not there yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    String last;
    try {
      last = seen.get();
    } catch (RuntimeException e) {
      last = "(cannot tell: " + e + ")";
    }
    throw new AssertionError("within " + limit.toSeconds() + " s: " + what + (last.isEmpty() ? "" : "; last seen: " + last));
  }
}
