package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.EventHandler;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The schemas waiting with WaitingForLock, per target database, in the order they started waiting.
 * When a target's Job finishes, only the first of them is woken: waking them all would make every
 * waiter read its database for each run, while only one of them can start next. A waiter that
 * stops waiting without taking the target (it became Ready, was deleted, its spec changed) hands
 * the turn on. Waiters also look again on their own after a while, so a lost wake-up only delays.
 */
final class LockQueue extends AbstractEventSource<Void, DatabaseSchema> {
  private final Map<String, LinkedHashSet<ResourceID>> waiting = new HashMap<>();
  private final Map<ResourceID, String> targetOf = new HashMap<>();

  LockQueue() {
    super(Void.class, "lock-queue");
  }

  /** It carries no resources, only wake-ups. */
  @Override
  public Set<Void> getSecondaryResources(DatabaseSchema primary) {
    return Set.of();
  }

  /** {@code schema} waits for {@code target}; it keeps its place when it was waiting already. */
  synchronized void waitFor(String target, ResourceID schema) {
    String previous = targetOf.get(schema);
    if (target.equals(previous)) {
      return;
    }
    if (previous != null) {
      leave(schema);
    }
    waiting.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(schema);
    targetOf.put(schema, target);
  }

  /** {@code schema} waits no more: it took the target or needs it no longer. */
  void leave(ResourceID schema) {
    Optional<ResourceID> next;
    synchronized (this) {
      String target = targetOf.remove(schema);
      if (target == null) {
        return;
      }
      Set<ResourceID> queue = waiting.get(target);
      boolean wasFirst = queue.iterator().next().equals(schema);
      queue.remove(schema);
      if (queue.isEmpty()) {
        waiting.remove(target);
      }
      next = wasFirst ? first(target) : Optional.empty();
    }
    next.ifPresent(this::wake);
  }

  /** A Job on {@code target} finished: the first waiter may start now. */
  void released(String target) {
    Optional<ResourceID> next;
    synchronized (this) {
      next = first(target);
    }
    next.ifPresent(this::wake);
  }

  private Optional<ResourceID> first(String target) {
    Set<ResourceID> queue = waiting.get(target);
    if (queue == null) {
      return Optional.empty();
    }
    Iterator<ResourceID> it = queue.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  private void wake(ResourceID schema) {
    EventHandler handler = getEventHandler();
    if (handler != null && isRunning()) {
      handler.handleEvent(new Event(schema));
    }
  }
}
