package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.CuttableProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's reads keep their logins, on a real PostgreSQL, as a long-lived reader needs, and let go of them. */
class IdleConnectionsTest {
  private static EmbeddedPostgres postgres;
  private final MovableClock clock = new MovableClock();
  private static final IdleConnections.Limits LIMITS = new IdleConnections.Limits(Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 3,
      Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final IdleConnections connections = new IdleConnections(LIMITS, clock);
  private final JdbcTargets targets = JdbcTargets.withTemporaryTrustStores();

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE reader LOGIN PASSWORD 'first-password'");
      st.execute("CREATE ROLE auditor LOGIN PASSWORD 'auditor-password'");
      st.execute("CREATE ROLE clerk LOGIN PASSWORD 'clerk-password'");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @AfterEach
  void close() {
    connections.close();
  }

  @Test
  void aSecondReadOfTheSameDatabaseUsesTheFirstReadsLogin() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    int second = connections.use(target("postgres"), IdleConnectionsTest::backendPid);

    assertThat(second).isEqualTo(first);
    assertThat(connections.parked()).isEqualTo(1);
  }

  @Test
  void anotherLoginNeverGetsTheConnectionOfTheFirst() throws SQLException {
    int asPostgres = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    int asReader = connections.use(targets.application(settings(), Login.of("reader", "first-password")),
        IdleConnectionsTest::backendPid);

    assertThat(asReader).isNotEqualTo(asPostgres);
    assertThat(connections.parked()).isEqualTo(2);
  }

  @Test
  void aConnectionIdleLongerThanAllowedIsClosedNotReused() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);

    clock.advance(Duration.ofSeconds(31));
    connections.closeExpired();

    assertThat(connections.parked()).isZero();
    assertThat(alive(first)).isFalse();
    assertThat(connections.use(target("postgres"), IdleConnectionsTest::backendPid)).isNotEqualTo(first);
  }

  @Test
  void aConnectionTheServerDroppedIsReplacedWithoutAnError() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    terminate(first);

    int second = connections.use(target("postgres"), IdleConnectionsTest::backendPid);

    assertThat(second).isNotEqualTo(first);
    assertThat(connections.parked()).isEqualTo(1);
  }

  @Test
  void aKeptConnectionWhoseNetworkWentSilentFailsInsteadOfHanging() throws SQLException {
    try (CuttableProxy proxy = CuttableProxy.to(postgres.getPort())) {
      JdbcTarget throughProxy = targets.application(new ConnectionSettings(Engine.POSTGRES, "127.0.0.1", proxy.port(), "postgres",
          TlsMode.DISABLE, null, Map.of("connectTimeout", "2", "loginTimeout", "2"), false), Login.of("postgres", "unused-with-trust"));
      connections.use(throughProxy, IdleConnectionsTest::backendPid);
      proxy.silence();

      // Without a read timeout the kept connection would wait for TCP to give up, many minutes.
      assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
          assertThatThrownBy(() -> connections.use(throughProxy, IdleConnectionsTest::backendPid)).isInstanceOf(SQLException.class));
      assertThat(connections.parked()).isZero();
    }
  }

  @Test
  void aTransactionLeftOpenIsRolledBackBeforeTheConnectionIsKept() throws SQLException {
    int pid = connections.use(target("postgres"), c -> {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE left_open (id INT)");
      }
      return backendPid(c);
    });

    connections.use(target("postgres"), c -> {
      assertThat(backendPid(c)).as("the same session").isEqualTo(pid);
      assertThat(c.getAutoCommit()).isTrue();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT to_regclass('public.left_open') IS NULL")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("the uncommitted table is gone, even for the session that made it").isTrue();
      }
      return null;
    });
  }

  @Test
  void aFailedStatementFailsTheReadAndKeepsItsSoundConnection() throws SQLException {
    int pid = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    AtomicInteger attempts = new AtomicInteger();

    // A history table that is not there yet is no reason to log in again.
    assertThatThrownBy(() -> connections.use(target("postgres"), c -> {
      attempts.incrementAndGet();
      try (Statement st = c.createStatement()) {
        st.execute("SELECT * FROM no_such_table");
      }
      return null;
    })).isInstanceOf(SQLException.class).hasMessageContaining("no_such_table");

    assertThat(attempts).as("not tried again on a new login").hasValue(1);
    assertThat(connections.parked()).isEqualTo(1);
    assertThat(connections.use(target("postgres"), IdleConnectionsTest::backendPid)).isEqualTo(pid);
  }

  @Test
  void aConnectionIdleLongerThanTheValidationAgeIsCheckedFirstSoABrokenOneCostsNoFailedRead() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    terminate(first);
    clock.advance(Duration.ofSeconds(11));
    AtomicInteger attempts = new AtomicInteger();

    int second = connections.use(target("postgres"), c -> {
      attempts.incrementAndGet();
      return backendPid(c);
    });

    assertThat(second).isNotEqualTo(first);
    assertThat(attempts).as("the broken connection was found by validation, not by the read").hasValue(1);
  }

  @Test
  void aConnectionUsedMomentsAgoIsNotValidatedAndABrokenOneIsFoundByTheRead() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    terminate(first);
    AtomicInteger attempts = new AtomicInteger();

    int second = connections.use(target("postgres"), c -> {
      attempts.incrementAndGet();
      return backendPid(c);
    });

    assertThat(second).isNotEqualTo(first);
    assertThat(attempts).as("tried on the kept connection, then once more on a new login").hasValue(2);
  }

  @Test
  void aConnectionOlderThanItsLifetimeIsReplacedEvenWhenUsedAllAlong() throws SQLException {
    int first = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(25));
      assertThat(connections.use(target("postgres"), IdleConnectionsTest::backendPid)).isEqualTo(first);
    }

    clock.advance(Duration.ofSeconds(25));
    int renewed = connections.use(target("postgres"), IdleConnectionsTest::backendPid);

    assertThat(renewed).isNotEqualTo(first);
    assertThat(alive(first)).isFalse();
  }

  @Test
  void pastTheCapInAllTheConnectionUnusedLongestIsClosed() throws SQLException {
    int asPostgres = connections.use(target("postgres"), IdleConnectionsTest::backendPid);
    clock.advance(Duration.ofSeconds(1));
    connections.use(login("reader", "first-password"), IdleConnectionsTest::backendPid);
    clock.advance(Duration.ofSeconds(1));
    connections.use(login("auditor", "auditor-password"), IdleConnectionsTest::backendPid);
    clock.advance(Duration.ofSeconds(1));

    connections.use(login("clerk", "clerk-password"), IdleConnectionsTest::backendPid);

    assertThat(connections.parked()).isEqualTo(3);
    assertThat(alive(asPostgres)).isFalse();
  }

  @Test
  void whenAnOwnersLoginChangesTheConnectionsOfTheOldOneCloseAtOnce() throws SQLException {
    int before = connections.use("team-a/app-db", login("reader", "first-password"), IdleConnectionsTest::backendPid);

    int after = connections.use("team-a/app-db", login("reader", "second-password"), IdleConnectionsTest::backendPid);

    assertThat(after).isNotEqualTo(before);
    assertThat(alive(before)).isFalse();
    assertThat(connections.parked()).isEqualTo(1);
  }

  @Test
  void aLoginAnotherOwnerStillUsesKeepsItsConnections() throws SQLException {
    int shared = connections.use("team-a/app-db", login("reader", "first-password"), IdleConnectionsTest::backendPid);
    connections.use("team-b/app-db", login("reader", "first-password"), IdleConnectionsTest::backendPid);

    connections.use("team-a/app-db", login("reader", "second-password"), IdleConnectionsTest::backendPid);

    assertThat(connections.use("team-b/app-db", login("reader", "first-password"), IdleConnectionsTest::backendPid)).isEqualTo(shared);
  }

  @Test
  void aConnectionInUseWhenItsLoginChangedIsClosedWhenItComesBack() throws SQLException {
    int old = connections.use("team-a/app-db", login("reader", "first-password"), c -> {
      connections.use("team-a/app-db", login("reader", "second-password"), IdleConnectionsTest::backendPid);
      return backendPid(c);
    });

    assertThat(alive(old)).isFalse();
    assertThat(connections.parked()).as("only the new login's").isEqualTo(1);
  }

  @Test
  void atMostTheAllowedNumberAreKeptPerLogin() throws SQLException {
    Connection[] held = new Connection[3];
    // Three reads at once need three logins; only two stay afterwards.
    connections.use(target("postgres"), a -> connections.use(target("postgres"), b -> connections.use(target("postgres"), c -> {
      held[0] = a;
      held[1] = b;
      held[2] = c;
      return null;
    })));

    assertThat(connections.parked()).isEqualTo(2);
    assertThat(java.util.Arrays.stream(held).filter(IdleConnectionsTest::isClosed)).hasSize(1);
  }

  @Test
  void closingLetsGoOfEveryConnection() throws SQLException {
    int pid = connections.use(target("postgres"), IdleConnectionsTest::backendPid);

    connections.close();

    assertThat(connections.parked()).isZero();
    assertThat(alive(pid)).isFalse();
  }

  private JdbcTarget target(String user) {
    return targets.application(settings(), Login.of(user, "unused-with-trust"));
  }

  private JdbcTarget login(String user, String password) {
    return targets.application(settings(), Login.of(user, password));
  }

  private static ConnectionSettings settings() {
    return new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(), "postgres", TlsMode.DISABLE, null, Map.of(), false);
  }

  private static int backendPid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean alive(int pid) throws SQLException {
    // The server notices a closed connection a moment after the client closes it.
    for (int i = 0; i < 50; i++) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
        rs.next();
        if (rs.getInt(1) == 0) {
          return false;
        }
      }
      sleep();
    }
    return true;
  }

  private static void terminate(int pid) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
    assertThat(alive(pid)).isFalse();
  }

  private static boolean isClosed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-22T12:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
