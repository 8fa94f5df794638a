package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Schemas queued for one database and schema are woken one at a time, in the order they queued. */
class LockQueueTest {
  private static final String TARGET = "db-and-schema";
  private final LockQueue queue = new LockQueue();
  private final List<ResourceID> woken = new ArrayList<>();
  private final ResourceID first = new ResourceID("first", "ns");
  private final ResourceID second = new ResourceID("second", "ns");
  private final ResourceID third = new ResourceID("third", "ns");

  @BeforeEach
  void start() {
    queue.setEventHandler(event -> woken.add(((Event) event).getRelatedCustomResourceID()));
    queue.start();
  }

  @Test
  void aFinishedJobWakesOnlyTheFirstWaiter() {
    queue.waitFor(TARGET, first);
    queue.waitFor(TARGET, second);

    queue.released(TARGET);

    assertThat(woken).containsExactly(first);
  }

  @Test
  void waitingAgainKeepsTheQueuePlace() {
    queue.waitFor(TARGET, first);
    queue.waitFor(TARGET, second);
    queue.waitFor(TARGET, first);

    queue.released(TARGET);

    assertThat(woken).containsExactly(first);
  }

  @Test
  void theFirstWaiterLeavingHandsTheTurnToTheNext() {
    queue.waitFor(TARGET, first);
    queue.waitFor(TARGET, second);
    queue.waitFor(TARGET, third);

    queue.leave(first);
    queue.leave(third);

    assertThat(woken).as("only the first leaving passes the turn on").containsExactly(second);
  }

  @Test
  void anotherTargetsJobWakesNobodyHere() {
    queue.waitFor(TARGET, first);

    queue.released("another-target");
    queue.leave(second);

    assertThat(woken).isEmpty();
  }

  @Test
  void aSchemaMovingToAnotherTargetLeavesItsOldQueue() {
    queue.waitFor(TARGET, first);
    queue.waitFor(TARGET, second);
    queue.waitFor("another-target", first);
    assertThat(woken).as("the first moving away hands its turn on").containsExactly(second);

    queue.released("another-target");

    assertThat(woken).containsExactly(second, first);
  }
}
