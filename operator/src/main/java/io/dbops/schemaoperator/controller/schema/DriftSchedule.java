package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.Sha256;
import java.time.Duration;
import java.time.Instant;

/**
 * When a schema's next drift check is due: at its own offset within every interval, an offset its
 * uid decides. A restart reconciles every schema at once; were each next check one interval after
 * that, a thousand schemas would check together, interval after interval. With offsets the checks
 * spread evenly over the interval from the first one on, and stay spread: a check made late still
 * keeps its schema's offset.
 */
final class DriftSchedule {
  private DriftSchedule() {}

  /**
   * From {@code now} until the first time at the schema's offset that is at least half an interval
   * away, so a check at its offset is next due exactly one interval later, never twice in a row.
   *
   * @param key what decides the offset: the schema's uid
   */
  static Duration untilNext(String key, Duration interval, Instant now) {
    long period = Math.max(1, interval.toMillis());
    long earliest = now.toEpochMilli() + period / 2;
    long next = earliest + Math.floorMod(offset(key, period) - earliest, period);
    return Duration.ofMillis(next - now.toEpochMilli());
  }

  /** Where within each interval the schema's checks fall, in milliseconds from the epoch's interval boundaries. */
  static long offset(String key, long period) {
    // A hash that spreads similar names (svc-001, svc-002) as evenly as random ones.
    return Math.floorMod(Long.parseUnsignedLong(Sha256.hex(key).substring(0, 15), 16), period);
  }
}
