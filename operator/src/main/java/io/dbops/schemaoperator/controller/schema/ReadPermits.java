package io.dbops.schemaoperator.controller.schema;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many of the operator's reads one database serves at once. After a restart every schema is
 * reconciled within seconds, and a hundred schemas on one database would otherwise read it a
 * reconcile thread each; a few at a time keeps the database's load, and the connections kept for
 * it, small. A read waits its turn up to {@code wait}; a database that slow is reported as such.
 */
final class ReadPermits {
  /** A turn to read, or the refusal of one; closing gives it back. */
  interface Permit extends AutoCloseable {
    boolean granted();

    @Override
    void close();
  }

  private static final class Turns {
    final Semaphore semaphore;
    int users;

    Turns(int permits) {
      this.semaphore = new Semaphore(permits, true);
    }
  }

  private final int perDatabase;
  private final Duration wait;
  // Entries live while someone holds or waits for a turn, so the map stays as small as the work in flight.
  private final Map<String, Turns> byDatabase = new HashMap<>();

  ReadPermits(int perDatabase, Duration wait) {
    this.perDatabase = perDatabase;
    this.wait = wait;
  }

  Duration waitLimit() {
    return wait;
  }

  /** A turn to read {@code database} (a key naming one database, never printed). */
  Permit acquire(String database) {
    Turns turns;
    synchronized (this) {
      turns = byDatabase.computeIfAbsent(database, d -> new Turns(perDatabase));
      turns.users++;
    }
    boolean granted;
    try {
      granted = turns.semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      granted = false;
    }
    boolean held = granted;
    return new Permit() {
      private boolean closed;

      @Override
      public boolean granted() {
        return held;
      }

      @Override
      public void close() {
        if (closed) {
          return;
        }
        closed = true;
        if (held) {
          turns.semaphore.release();
        }
        synchronized (ReadPermits.this) {
          if (--turns.users == 0) {
            byDatabase.remove(database);
          }
        }
      }
    };
  }

  /** Databases with a read in flight or waiting, for tests. */
  synchronized int databasesInFlight() {
    return byDatabase.size();
  }
}
