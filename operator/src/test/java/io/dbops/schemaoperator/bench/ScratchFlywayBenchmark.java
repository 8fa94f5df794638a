package io.dbops.schemaoperator.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class ScratchFlywayBenchmark {
  @Test
  void compare() throws Exception {
    Path scripts = Files.createTempDirectory("bench-scripts");
    for (int i = 1; i <= 5; i++) {
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"),
          "CREATE TABLE bench_" + i + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\n"
        + "CREATE INDEX bench_" + i + "_name_idx ON bench_" + i + " (name);\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (1, 'one');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (2, 'two');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (3, 'three');\n");
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String[] modes = {"trace"};
      int n = 0;
      for (String mode : modes) {
        String db = "d" + (n++);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE " + db);
        }
        var cfg = Flyway.configure().dataSource("jdbc:postgresql://localhost:" + pg.getPort() + "/" + db, "postgres", "postgres")
            .locations("filesystem:" + scripts);
        if (mode.equals("group")) cfg.group(true);
        if (mode.equals("trace")) {
          String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db;
          cfg.dataSource(new javax.sql.DataSource() {
            public java.sql.Connection getConnection() throws java.sql.SQLException {
              java.sql.Connection real = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
              int id = System.identityHashCode(real) % 1000;
              return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class[]{java.sql.Connection.class}, (px, m, a) -> {
                if (m.getName().startsWith("prepare") || m.getName().equals("commit") || m.getName().equals("rollback") || m.getName().equals("setAutoCommit")) System.out.println("TRACE c" + id + " " + m.getName() + " " + (a == null ? "" : String.valueOf(a[0]).replace('\n',' ')));
                Object r = m.invoke(real, a);
                if (r instanceof java.sql.Statement st) {
                  Class<?> iface = r instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : java.sql.Statement.class;
                  return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class[]{iface}, (p2, m2, a2) -> {
                    if (m2.getName().startsWith("execute")) System.out.println("TRACE c" + id + "   " + m2.getName() + " " + (a2 == null ? "" : String.valueOf(a2[0]).replace('\n',' ')));
                    try { return m2.invoke(st, a2); } catch (java.lang.reflect.InvocationTargetException e) { throw e.getCause(); }
                  });
                }
                return r;
              });
            }
            public java.sql.Connection getConnection(String u, String p) { throw new UnsupportedOperationException(); }
            public java.io.PrintWriter getLogWriter() { return null; }
            public void setLogWriter(java.io.PrintWriter out) {}
            public void setLoginTimeout(int seconds) {}
            public int getLoginTimeout() { return 0; }
            public java.util.logging.Logger getParentLogger() { return null; }
            public <T> T unwrap(Class<T> i) { return null; }
            public boolean isWrapperFor(Class<?> i) { return false; }
          });
        }
        if (mode.equals("nolock")) cfg.configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"));
        long t0 = System.nanoTime();
        cfg.load().migrate();
        System.out.println("MODE " + mode + " " + (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
