package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reads of one database run a few at a time; other databases are not held up. */
class ReadPermitsTest {
  private final ReadPermits permits = new ReadPermits(2, Duration.ofMillis(200));

  @Test
  void aThirdReadOfABusyDatabaseIsRefusedAfterItsWaitWhileAnotherDatabaseIsReadAtOnce() {
    try (ReadPermits.Permit first = permits.acquire("db-a"); ReadPermits.Permit second = permits.acquire("db-a")) {
      try (ReadPermits.Permit third = permits.acquire("db-a"); ReadPermits.Permit elsewhere = permits.acquire("db-b")) {
        assertThat(first.granted()).isTrue();
        assertThat(second.granted()).isTrue();
        assertThat(third.granted()).isFalse();
        assertThat(elsewhere.granted()).isTrue();
      }
    }
  }

  @Test
  void aTurnGivenBackLetsTheNextReadIn() {
    try (ReadPermits.Permit first = permits.acquire("db-a")) {
      try (ReadPermits.Permit second = permits.acquire("db-a")) {
        assertThat(second.granted()).isTrue();
      }

      try (ReadPermits.Permit next = permits.acquire("db-a")) {
        assertThat(next.granted()).isTrue();
      }
    }
  }

  @Test
  void nothingIsKeptForADatabaseOnceItsReadsAreOverRefusedOnesIncluded() {
    try (ReadPermits.Permit a = permits.acquire("db-a"); ReadPermits.Permit b = permits.acquire("db-a");
        ReadPermits.Permit refused = permits.acquire("db-a")) {
      assertThat(permits.databasesInFlight()).isEqualTo(1);
    }

    assertThat(permits.databasesInFlight()).isZero();
  }
}
