package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logged-in connections kept for a short while after a read, per database and login, so the next
 * read of the same database skips the login. When the operator starts, every schema on a database
 * is read within seconds of the others; a login each would cost the database a new backend
 * (PostgreSQL forks one per connection) and the operator a TLS and auth handshake. A connection
 * idle longer than {@code maxIdle} is closed, so none lingers on a database nobody reads; a changed
 * password is another login and never meets the old connections.
 */
public final class IdleConnections implements AutoCloseable {
  /** Work on a borrowed connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private record Parked(Connection connection, Instant since) {}

  private final Duration maxIdle;
  private final int perTarget;
  private final Duration readTimeout;
  private final Clock clock;
  // Keyed by the target itself: url and driver properties, login included; never printed.
  private final Map<JdbcTarget, Deque<Parked>> idle = new HashMap<>();
  private final ScheduledExecutorService sweeper;
  private boolean closed;

  /**
   * @param readTimeout how long one read may wait for the server: a kept connection whose network
   *     path died silently would otherwise block its reader until TCP gives up, many minutes later
   */
  public IdleConnections(Duration maxIdle, int perTarget, Duration readTimeout, Clock clock) {
    this.maxIdle = maxIdle;
    this.perTarget = perTarget;
    this.readTimeout = readTimeout;
    this.clock = clock;
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "idle-connection-sweeper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, maxIdle.toMillis() / 2);
    sweeper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
  }

  /** The operator's reads: connections idle up to 30 s, up to 4 per database and login, 20 s per read. */
  public static IdleConnections forReads() {
    return new IdleConnections(Duration.ofSeconds(30), 4, Duration.ofSeconds(20), Clock.systemUTC());
  }

  /**
   * Runs {@code work} on a connection to {@code target}: a parked one when there is one, else a new
   * login. A parked connection the server has dropped meanwhile (restart, idle timeout) fails the
   * work; it is then done once more on a new login, so a stale connection never shows as an error.
   */
  public <T> T use(JdbcTarget target, Work<T> work) throws SQLException {
    Connection parked = take(target);
    if (parked != null) {
      try {
        T result = work.apply(parked);
        park(target, parked);
        return result;
      } catch (SQLException | RuntimeException e) {
        closeQuietly(parked);
      }
    }
    Connection fresh = target.connect();
    try {
      fresh.setNetworkTimeout(Runnable::run, (int) readTimeout.toMillis());
      T result = work.apply(fresh);
      park(target, fresh);
      return result;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(fresh);
      throw e;
    }
  }

  /** How many connections are parked now, for every target together. */
  public synchronized int parked() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }

  private synchronized Connection take(JdbcTarget target) {
    Deque<Parked> parked = idle.get(target);
    Instant now = clock.instant();
    while (parked != null && !parked.isEmpty()) {
      Parked p = parked.pollLast();
      if (!expired(p, now)) {
        return p.connection();
      }
      closeQuietly(p.connection());
    }
    return null;
  }

  private void park(JdbcTarget target, Connection connection) throws SQLException {
    // Whatever the work left open ends here: a parked connection holds no transaction and no lock.
    if (!connection.getAutoCommit()) {
      connection.rollback();
      connection.setAutoCommit(true);
    }
    synchronized (this) {
      Deque<Parked> parked = idle.computeIfAbsent(target, t -> new ArrayDeque<>());
      if (!closed && parked.size() < perTarget) {
        parked.addLast(new Parked(connection, clock.instant()));
        return;
      }
    }
    closeQuietly(connection);
  }

  void closeExpired() {
    List<Connection> expired = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Iterator<Deque<Parked>> queues = idle.values().iterator(); queues.hasNext(); ) {
        Deque<Parked> parked = queues.next();
        parked.removeIf(p -> expired(p, now) && expired.add(p.connection()));
        if (parked.isEmpty()) {
          queues.remove();
        }
      }
    }
    expired.forEach(IdleConnections::closeQuietly);
  }

  private boolean expired(Parked p, Instant now) {
    return !p.since().plus(maxIdle).isAfter(now);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    List<Connection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(q -> q.forEach(p -> all.add(p.connection())));
      idle.clear();
    }
    all.forEach(IdleConnections::closeQuietly);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // Closing a connection the server already dropped: nothing left to release.
    }
  }
}
