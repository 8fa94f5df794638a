package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** When drift checks fall: each schema at its own offset within the interval, so a restart brings no herd. */
class DriftScheduleTest {
  private static final Duration INTERVAL = Duration.ofSeconds(60);
  private static final Instant RESTART = Instant.parse("2026-12-02T12:00:00.123Z");

  @Test
  void aThousandSchemasReconciledTogetherSpreadTheirNextChecksOverTheInterval() {
    int[] perSecond = new int[60];
    for (int i = 0; i < 1000; i++) {
      Duration next = DriftSchedule.untilNext(uid(i), INTERVAL, RESTART);
      perSecond[(int) (RESTART.plus(next).toEpochMilli() / 1000 % 60)]++;
    }

    // Evenly spread is about 17 a second; all at once would be 1,000 in one second.
    assertThat(java.util.Arrays.stream(perSecond).min().getAsInt()).as("fewest checks in one second").isPositive();
    assertThat(java.util.Arrays.stream(perSecond).max().getAsInt()).as("most checks in one second").isLessThanOrEqualTo(40);
  }

  @Test
  void aCheckMadeAtItsOffsetIsNextDueExactlyOneIntervalLater() {
    Instant due = RESTART.plus(DriftSchedule.untilNext(uid(7), INTERVAL, RESTART));

    assertThat(DriftSchedule.untilNext(uid(7), INTERVAL, due)).isEqualTo(INTERVAL);
  }

  @Test
  void aCheckMadeLateKeepsItsSchemasOffset() {
    Instant due = RESTART.plus(DriftSchedule.untilNext(uid(7), INTERVAL, RESTART));

    Instant late = due.plusSeconds(20);

    assertThat(late.plus(DriftSchedule.untilNext(uid(7), INTERVAL, late))).isEqualTo(due.plus(INTERVAL));
  }

  @Test
  void theNextCheckIsAtLeastHalfAnIntervalAwayAndAtMostOneAndAHalf() {
    for (int i = 0; i < 1000; i++) {
      Instant now = RESTART.plusMillis(i * 7919L);

      Duration next = DriftSchedule.untilNext(uid(i), INTERVAL, now);

      assertThat(next).isBetween(INTERVAL.dividedBy(2), INTERVAL.multipliedBy(3).dividedBy(2));
    }
  }

  @Test
  void theOffsetIsTheSameInEveryReplicaAndAfterEveryRestart() {
    assertThat(DriftSchedule.offset(uid(3), INTERVAL.toMillis())).isEqualTo(DriftSchedule.offset(uid(3), INTERVAL.toMillis()));
    assertThat(DriftSchedule.offset(uid(3), INTERVAL.toMillis())).isNotEqualTo(DriftSchedule.offset(uid(4), INTERVAL.toMillis()));
  }

  private static String uid(int i) {
    return UUID.nameUUIDFromBytes(("schema-" + i).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
