package io.dbops.schemaoperator.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logged-in connections the operator keeps between its reads, per database and login: drift
 * checks, the connection probe and state reads all come back to the same databases every minute
 * or so, and a login each time would cost the database a new backend (PostgreSQL forks one per
 * connection) and the operator a TLS and auth handshake. Kept long, they need what a pool gives a
 * long-lived reader: a connection idle a while is validated before use, one that fails as broken
 * is replaced without showing as an error, none is kept past a lifetime or past a cap (per login
 * and in all), every read has a network timeout, and when a login changes (a rotated Secret) the
 * connections of the old one are closed at once. A changed password is another target, so it never
 * meets the old connections.
 */
public final class IdleConnections implements AutoCloseable {
  /** Work on a borrowed connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * @param maxIdle a connection unused this long is closed, so none lingers on a database nobody reads
   * @param maxLifetime a connection this old is closed when it comes back: now and then a new login
   *     meets the server as it is (a password changed on the server alone, a failover behind the same name)
   * @param perTarget connections kept per database and login
   * @param total connections kept in all; past it the one unused longest is closed
   * @param readTimeout how long one read may wait for the server: a kept connection whose network
   *     path died silently would otherwise block its reader until TCP gives up, many minutes later
   * @param validateAfter a connection idle this long is validated before use: idle flows are what
   *     firewalls and NAT drop without a word, and validating costs a round trip, not a read timeout
   */
  public record Limits(Duration maxIdle, Duration maxLifetime, int perTarget, int total, Duration readTimeout,
      Duration validateAfter) {}

  /** How long a validation may wait for the server. */
  private static final int VALIDATION_SECONDS = 2;

  private static final class Kept {
    final Connection connection;
    final Instant born;
    Instant since;

    Kept(Connection connection, Instant born) {
      this.connection = connection;
      this.born = born;
      this.since = born;
    }
  }

  private final Limits limits;
  private final Clock clock;
  // Keyed by the target itself: url and driver properties, login included; never printed.
  private final Map<JdbcTarget, Deque<Kept>> idle = new HashMap<>();
  private final Map<JdbcTarget, Integer> borrowed = new HashMap<>();
  /** Targets whose owner moved on while some of their connections were borrowed: those close when they come back. */
  private final Set<JdbcTarget> retired = new HashSet<>();
  private final Map<String, JdbcTarget> owners = new HashMap<>();
  private final ScheduledExecutorService sweeper;
  private int kept;
  private boolean closed;

  public IdleConnections(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "idle-connection-sweeper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, Math.min(limits.maxIdle().toMillis(), limits.maxLifetime().toMillis()) / 2);
    sweeper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * The operator's reads: a connection idle up to 10 minutes (longer than the default drift
   * interval, 5 minutes; the probe uses it every minute besides), renewed after 30 minutes, up to 3
   * per database and login (the reads of one database run 2 at a time, and the probe besides), 100
   * in all, 20 s per read, validated after 30 s idle.
   */
  public static IdleConnections forReads() {
    return new IdleConnections(new Limits(Duration.ofMinutes(10), Duration.ofMinutes(30), 3, 100, Duration.ofSeconds(20),
        Duration.ofSeconds(30)), Clock.systemUTC());
  }

  /** {@link #use(String, JdbcTarget, Work)} for a target no owner claims. */
  public <T> T use(JdbcTarget target, Work<T> work) throws SQLException {
    return use(null, target, work);
  }

  /**
   * Runs {@code work} on a connection to {@code target}: a kept one when there is one, else a new
   * login. A kept connection found broken (validation, or the work failing as a connection fails)
   * is replaced by a new login and the work done once more, so a stale connection never shows as an
   * error; a statement that fails on a sound connection fails the work and keeps the connection.
   *
   * @param owner who logs in with {@code target} (a DatabaseConnection), or null: when an owner comes
   *     with another target than before (its Secret now holds another login), the connections of
   *     the previous one are closed at once, unless another owner still uses it
   */
  public <T> T use(String owner, JdbcTarget target, Work<T> work) throws SQLException {
    Kept reused = take(owner, target);
    while (reused != null && idleFor(reused).compareTo(limits.validateAfter()) >= 0 && !valid(reused.connection)) {
      discard(target, reused);
      reused = take(null, target);
    }
    if (reused != null) {
      try {
        T result = work.apply(reused.connection);
        giveBack(target, reused);
        return result;
      } catch (SQLException e) {
        if (!broken(reused.connection, e)) {
          giveBack(target, reused);
          throw e;
        }
        discard(target, reused);
        // The server restarted or the path died: the other kept connections went with it.
        closeKept(target);
        reserve(target);
      } catch (RuntimeException e) {
        discard(target, reused);
        throw e;
      }
    }
    Kept fresh;
    try {
      Connection connection = target.connect();
      fresh = new Kept(connection, clock.instant());
      connection.setNetworkTimeout(Runnable::run, (int) limits.readTimeout().toMillis());
    } catch (SQLException | RuntimeException e) {
      unborrow(target);
      throw e;
    }
    try {
      T result = work.apply(fresh.connection);
      giveBack(target, fresh);
      return result;
    } catch (SQLException e) {
      if (broken(fresh.connection, e)) {
        discard(target, fresh);
      } else {
        giveBack(target, fresh);
      }
      throw e;
    } catch (RuntimeException e) {
      discard(target, fresh);
      throw e;
    }
  }

  /** How many connections are kept now, for every target together. */
  public synchronized int parked() {
    return kept;
  }

  /** A kept connection of {@code target}, or null; either way one borrowed connection is counted until it comes back. */
  private Kept take(String owner, JdbcTarget target) {
    List<Connection> stale = new ArrayList<>();
    Kept found = null;
    synchronized (this) {
      if (owner != null) {
        stale.addAll(claim(owner, target));
      }
      Deque<Kept> queue = idle.get(target);
      Instant now = clock.instant();
      // The most recently used first: the others idle out, so the fewest connections stay open.
      while (queue != null && !queue.isEmpty() && found == null) {
        Kept k = queue.pollLast();
        kept--;
        if (expired(k, now)) {
          stale.add(k.connection);
        } else {
          found = k;
        }
      }
      if (queue != null && queue.isEmpty()) {
        idle.remove(target);
      }
      borrowed.merge(target, 1, Integer::sum);
    }
    stale.forEach(IdleConnections::closeQuietly);
    return found;
  }

  private synchronized void reserve(JdbcTarget target) {
    borrowed.merge(target, 1, Integer::sum);
  }

  /** Records that {@code owner} now logs in with {@code target}; returns the connections to close. */
  private List<Connection> claim(String owner, JdbcTarget target) {
    JdbcTarget before = owners.put(owner, target);
    if (before == null || before.equals(target) || owners.containsValue(before)) {
      return List.of();
    }
    List<Connection> old = new ArrayList<>();
    Deque<Kept> queue = idle.remove(before);
    if (queue != null) {
      queue.forEach(k -> old.add(k.connection));
      kept -= queue.size();
    }
    if (borrowed.containsKey(before)) {
      retired.add(before);
    }
    return old;
  }

  /** Returns a sound connection to be kept, unless it is too old, its login retired or the caps are reached. */
  private void giveBack(JdbcTarget target, Kept k) {
    boolean clean = endTransaction(k.connection);
    List<Connection> close = new ArrayList<>();
    synchronized (this) {
      boolean retiredTarget = retired.contains(target);
      unborrowLocked(target);
      Instant now = clock.instant();
      Deque<Kept> queue = idle.get(target);
      boolean keep = clean && !closed && !retiredTarget && k.born.plus(limits.maxLifetime()).isAfter(now)
          && (queue == null || queue.size() < limits.perTarget());
      if (keep) {
        if (kept >= limits.total()) {
          Kept oldest = removeLeastRecentlyUsed();
          if (oldest != null) {
            close.add(oldest.connection);
          }
        }
        k.since = now;
        idle.computeIfAbsent(target, t -> new ArrayDeque<>()).addLast(k);
        kept++;
      } else {
        close.add(k.connection);
      }
    }
    close.forEach(IdleConnections::closeQuietly);
  }

  /** Whatever the work left open ends here: a kept connection holds no transaction and no lock. */
  private static boolean endTransaction(Connection connection) {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private Kept removeLeastRecentlyUsed() {
    JdbcTarget oldestTarget = null;
    Kept oldest = null;
    for (Map.Entry<JdbcTarget, Deque<Kept>> e : idle.entrySet()) {
      Kept first = e.getValue().peekFirst();
      if (first != null && (oldest == null || first.since.isBefore(oldest.since))) {
        oldest = first;
        oldestTarget = e.getKey();
      }
    }
    if (oldest != null) {
      Deque<Kept> queue = idle.get(oldestTarget);
      queue.pollFirst();
      kept--;
      if (queue.isEmpty()) {
        idle.remove(oldestTarget);
      }
    }
    return oldest;
  }

  private void discard(JdbcTarget target, Kept k) {
    unborrow(target);
    closeQuietly(k.connection);
  }

  private synchronized void unborrow(JdbcTarget target) {
    unborrowLocked(target);
  }

  private void unborrowLocked(JdbcTarget target) {
    Integer left = borrowed.computeIfPresent(target, (t, n) -> n > 1 ? n - 1 : null);
    if (left == null) {
      retired.remove(target);
    }
  }

  private void closeKept(JdbcTarget target) {
    List<Connection> close = new ArrayList<>();
    synchronized (this) {
      Deque<Kept> queue = idle.remove(target);
      if (queue != null) {
        queue.forEach(k -> close.add(k.connection));
        kept -= queue.size();
      }
    }
    close.forEach(IdleConnections::closeQuietly);
  }

  /** Whether a failure says the connection itself is gone, rather than one statement failing on it. */
  private static boolean broken(Connection connection, SQLException e) {
    if (e instanceof SQLRecoverableException || e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return true;
    }
    return !valid(connection);
  }

  private static boolean valid(Connection connection) {
    try {
      return !connection.isClosed() && connection.isValid(VALIDATION_SECONDS);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private Duration idleFor(Kept k) {
    return Duration.between(k.since, clock.instant());
  }

  void closeExpired() {
    List<Connection> expired = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Iterator<Deque<Kept>> queues = idle.values().iterator(); queues.hasNext(); ) {
        Deque<Kept> queue = queues.next();
        int before = queue.size();
        queue.removeIf(k -> expired(k, now) && expired.add(k.connection));
        kept -= before - queue.size();
        if (queue.isEmpty()) {
          queues.remove();
        }
      }
      // An owner with nothing kept has nothing to close when its login changes: forget it, and the login with it.
      owners.values().removeIf(t -> !idle.containsKey(t) && !borrowed.containsKey(t));
    }
    expired.forEach(IdleConnections::closeQuietly);
  }

  private boolean expired(Kept k, Instant now) {
    return !k.since.plus(limits.maxIdle()).isAfter(now) || !k.born.plus(limits.maxLifetime()).isAfter(now);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    List<Connection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(q -> q.forEach(k -> all.add(k.connection)));
      idle.clear();
      kept = 0;
      owners.clear();
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
