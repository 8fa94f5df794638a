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
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= 500; i++) {
      String sql = "CREATE TABLE bench_" + i + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\n"
        + "CREATE INDEX bench_" + i + "_name_idx ON bench_" + i + " (name);\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (1, 'one');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (2, 'two');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (3, 'three');\n";
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"), sql);
      all.append("BEGIN;\n").append(sql).append("COMMIT;\n");
    }
    Path input = Files.createTempFile("bench", ".sql");
    Files.writeString(input, all);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String[] modes = System.getProperty("modes", "psql,psqlasync,plain,nolock,group,psql").split(",");
      int n = 0;
      for (String mode : modes) {
        String db = "d" + (n++);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE " + db);
        }
        long t0 = System.nanoTime();
        if (mode.startsWith("psql")) {
          ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-h", "localhost", "-p", "" + pg.getPort(), "-U", "postgres", "-d", db)
              .redirectInput(input.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
          if (mode.equals("psqlasync")) pb.environment().put("PGOPTIONS", "-c synchronous_commit=off");
          pb.start().waitFor();
        } else {
          var cfg = Flyway.configure().dataSource("jdbc:postgresql://localhost:" + pg.getPort() + "/" + db, "postgres", "postgres")
              .locations("filesystem:" + scripts);
          if (mode.equals("group")) cfg.group(true);
          if (mode.equals("nolock")) cfg.configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"));
          cfg.load().migrate();
        }
        System.out.println("MODE " + mode + " " + (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
