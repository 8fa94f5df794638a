package io.dbops.schemaoperator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.jobenv.MigrateJvm;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.Progress;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.TlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How much the engine costs over the floor the database itself sets. Prints figures; asserts only
 * that the work really happened. Run: mvn -B -pl operator -Pbench test -Dtest=EngineBenchmark
 */
class EngineBenchmark {
  private static final int SCRIPTS = 500;
  private static final int NOOP_RUNS = 5;

  @Test
  void engineAgainstPsqlFloor() throws Exception {
    Path scripts = Files.createTempDirectory("bench-scripts");
    for (int i = 1; i <= SCRIPTS; i++) {
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"), script(i), StandardCharsets.UTF_8);
    }
    List<String> report = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      createDatabase(postgres, "bench_engine");
      createDatabase(postgres, "bench_psql");

      ConnectionSettings connection = new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(),
          "bench_engine", TlsMode.DISABLE, null, Map.of(), false);
      MigrationEngine engine = new MigrationEngine(connection, Login.of("postgres", "postgres"),
          MigrationSettings.defaults(), MigrationScripts.fromDirectories(List.of(scripts)),
          JdbcTargets.withTemporaryTrustStores(), Progress.silent());
      long t0 = System.nanoTime();
      MigrationResult result = engine.migrate();
      double engineSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
      assertThat(result.applied()).hasSize(SCRIPTS);

      double psqlSeconds = psql(postgres.getPort(), scripts);

      Path archive = Path.of("target", "bench", "migrate.jsa").toAbsolutePath();
      Files.createDirectories(archive.getParent());
      Files.deleteIfExists(archive);
      double plainNoop = noopProcess(postgres.getPort(), scripts, List.of());
      double training = noopProcess(postgres.getPort(), scripts, MigrateJvm.trainingOptions(archive));
      double[] noop = new double[NOOP_RUNS];
      for (int i = 0; i < NOOP_RUNS; i++) {
        noop[i] = noopProcess(postgres.getPort(), scripts, MigrateJvm.options(archive));
      }
      Arrays.sort(noop);

      double ratio = engineSeconds / psqlSeconds;
      report.add(String.format(Locale.ROOT, "scripts: %d (each CREATE TABLE, CREATE INDEX, 3 INSERTs)", SCRIPTS));
      report.add(String.format(Locale.ROOT, "engine migrate, in-process: %.3f s", engineSeconds));
      report.add(String.format(Locale.ROOT, "psql, one session, BEGIN/COMMIT per file: %.3f s", psqlSeconds));
      report.add(String.format(Locale.ROOT, "no-op migrate process, default JVM options: %.3f s (CDS training run: %.3f s)",
          plainNoop, training));
      report.add(String.format(Locale.ROOT, "no-op migrate process wall time (MigrateJvm options, CDS archive): median %.3f s, best %.3f s, worst %.3f s (%d runs)",
          noop[NOOP_RUNS / 2], noop[0], noop[NOOP_RUNS - 1], NOOP_RUNS));
      report.add(String.format(Locale.ROOT, "engine/psql ratio: %.2f", ratio));
    }
    Path out = Path.of("target", "bench", "engine.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report, StandardCharsets.UTF_8);
    report.forEach(System.out::println);
  }

  /**
   * transaction All (issue 13): the same 500 scripts in one transaction against one psql session
   * committing per file, both on a server with production durability (synchronous_commit and fsync
   * on; the embedded server turns synchronous_commit off by default, which hides what a commit
   * costs). Alternating samples, each on fresh databases; the medians are compared.
   */
  @Test
  void allInOneTransactionAgainstPsqlWithDurability() throws Exception {
    Path scripts = Files.createTempDirectory("bench-all-scripts");
    for (int i = 1; i <= SCRIPTS; i++) {
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"), script(i), StandardCharsets.UTF_8);
    }
    int samples = 3;
    double[] all = new double[samples];
    double[] perScript = new double[samples];
    double[] psql = new double[samples];
    List<String> report = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").setServerConfig("full_page_writes", "on")
        .start()) {
      String settings;
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT current_setting('synchronous_commit'), current_setting('fsync'),"
              + " current_setting('full_page_writes'), current_setting('server_version')")) {
        rs.next();
        settings = "synchronous_commit=" + rs.getString(1) + ", fsync=" + rs.getString(2) + ", full_page_writes=" + rs.getString(3)
            + " (PostgreSQL " + rs.getString(4) + ", embedded)";
        assertThat(rs.getString(1)).isEqualTo("on");
        assertThat(rs.getString(2)).isEqualTo("on");
      }
      for (int n = 0; n < samples; n++) {
        all[n] = engineRun(postgres, scripts, "bench_all_" + n, io.dbops.schemaoperator.model.Transaction.All);
        psql[n] = psqlInto(postgres, scripts, "bench_psql_all_" + n);
        perScript[n] = engineRun(postgres, scripts, "bench_per_script_" + n, io.dbops.schemaoperator.model.Transaction.PerScript);
      }
      Arrays.sort(all);
      Arrays.sort(perScript);
      Arrays.sort(psql);
      report.add("server: " + settings);
      report.add(String.format(Locale.ROOT, "scripts: %d (each CREATE TABLE, CREATE INDEX, 3 INSERTs); %d alternating samples,"
          + " fresh databases each; medians", SCRIPTS, samples));
      report.add(String.format(Locale.ROOT, "engine migrate, transaction All (one transaction for the run): %.3f s (samples %s)",
          all[samples / 2], Arrays.toString(all)));
      report.add(String.format(Locale.ROOT, "engine migrate, transaction PerScript: %.3f s (samples %s)",
          perScript[samples / 2], Arrays.toString(perScript)));
      report.add(String.format(Locale.ROOT, "psql, one session, BEGIN/COMMIT per file: %.3f s (samples %s)",
          psql[samples / 2], Arrays.toString(psql)));
      report.add(String.format(Locale.ROOT, "perscript/psql ratio: %.2f", perScript[samples / 2] / psql[samples / 2]));
      report.add(String.format(Locale.ROOT, "all/psql ratio: %.2f", all[samples / 2] / psql[samples / 2]));
    }
    Path out = Path.of("target", "bench", "engine-all.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report, StandardCharsets.UTF_8);
    report.forEach(System.out::println);
  }

  private static double engineRun(EmbeddedPostgres postgres, Path scripts, String database,
      io.dbops.schemaoperator.model.Transaction transaction) throws Exception {
    createDatabase(postgres, database);
    ConnectionSettings connection = new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(), database,
        TlsMode.DISABLE, null, Map.of(), false);
    MigrationEngine engine = new MigrationEngine(connection, Login.of("postgres", "postgres"),
        MigrationSettings.defaults().withTransaction(transaction), MigrationScripts.fromDirectories(List.of(scripts)),
        JdbcTargets.withTemporaryTrustStores(), Progress.silent());
    long t0 = System.nanoTime();
    MigrationResult result = engine.migrate();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
    assertThat(result.applied()).hasSize(SCRIPTS);
    return seconds;
  }

  private static double psqlInto(EmbeddedPostgres postgres, Path scripts, String database) throws Exception {
    createDatabase(postgres, database);
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= SCRIPTS; i++) {
      all.append("BEGIN;\n").append(Files.readString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"))).append("COMMIT;\n");
    }
    Path input = Files.createTempFile("bench-all", ".sql");
    Files.writeString(input, all);
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost",
        "-p", String.valueOf(postgres.getPort()), "-U", "postgres", "-d", database)
        .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(p.exitValue()).as("psql exit code").isZero();
    return seconds;
  }

  private static String script(int i) {
    return "CREATE TABLE bench_" + i + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\n"
        + "CREATE INDEX bench_" + i + "_name_idx ON bench_" + i + " (name);\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (1, 'one');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (2, 'two');\n"
        + "INSERT INTO bench_" + i + " (id, name) VALUES (3, 'three');\n";
  }

  private static void createDatabase(EmbeddedPostgres postgres, String name) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
  }

  /** One psql session, each file in its own transaction: what the database itself costs. */
  private static double psql(int port, Path scripts) throws Exception {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= SCRIPTS; i++) {
      all.append("BEGIN;\n")
          .append(Files.readString(scripts.resolve("V" + i + "__create_table_" + i + ".sql")))
          .append("COMMIT;\n");
    }
    Path input = Files.createTempFile("bench", ".sql");
    Files.writeString(input, all);
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost",
        "-p", String.valueOf(port), "-U", "postgres", "-d", "bench_psql")
        .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(p.exitValue()).as("psql exit code").isZero();
    return seconds;
  }

  /** A whole `migrate` process on the up-to-date database, started the way a Job starts it. */
  private static double noopProcess(int port, Path scripts, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(Path.of("target", "schema-operator.jar").toAbsolutePath().toString());
    command.add("migrate");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Path out = Files.createTempFile("noop", ".out");
    pb.redirectOutput(out.toFile());
    Map<String, String> env = pb.environment();
    env.put("DBOPS_CONNECTION", "{\"engine\":\"postgres\",\"host\":\"localhost\",\"port\":" + port
        + ",\"database\":\"bench_engine\",\"tls\":{\"mode\":\"disable\"}}");
    env.put("DBOPS_SCHEMA", "{}");
    env.put("DBOPS_MIGRATIONS", scripts.toString());
    env.put("DBOPS_USERNAME", "postgres");
    env.put("DBOPS_PASSWORD", "postgres");
    env.put("DBOPS_RESULT_FILE", Files.createTempFile("noop", ".json").toString());
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    assertThat(Files.readString(out)).contains("nothing to apply");
    return seconds;
  }
}
