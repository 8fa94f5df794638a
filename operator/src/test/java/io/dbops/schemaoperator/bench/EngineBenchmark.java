package io.dbops.schemaoperator.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
 * How much the engine costs over the floor the database itself sets. Each sample applies the
 * scripts to a fresh database with the engine and to another with psql, the order alternating from
 * one sample to the next so that neither always meets a warmer (or busier) machine; the medians are
 * compared. Prints figures; asserts only that the work really happened.
 * Run: mvn -B -pl operator -Pbench test -Dtest=EngineBenchmark ({@code bench.samples}, 5 by default);
 * a migrate process's start-up is StartupBenchmark's.
 */
class EngineBenchmark {
  private static final int SCRIPTS = 500;
  private static final int SAMPLES = Integer.getInteger("bench.samples", 5);

  @Test
  void engineAgainstPsqlFloor() throws Exception {
    Path scripts = Files.createTempDirectory("bench-scripts");
    for (int i = 1; i <= SCRIPTS; i++) {
      Files.writeString(scripts.resolve("V" + i + "__create_table_" + i + ".sql"), script(i), StandardCharsets.UTF_8);
    }
    List<String> report = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      double[] engineSeconds = new double[SAMPLES];
      double[] psqlSeconds = new double[SAMPLES];
      for (int i = 0; i < SAMPLES; i++) {
        if (i % 2 == 0) {
          engineSeconds[i] = engine(postgres, scripts, i);
          psqlSeconds[i] = psql(postgres, scripts, i);
        } else {
          psqlSeconds[i] = psql(postgres, scripts, i);
          engineSeconds[i] = engine(postgres, scripts, i);
        }
      }
      String engineRuns = Arrays.toString(engineSeconds);
      String psqlRuns = Arrays.toString(psqlSeconds);
      Arrays.sort(engineSeconds);
      Arrays.sort(psqlSeconds);

      double ratio = median(engineSeconds) / median(psqlSeconds);
      report.add(String.format(Locale.ROOT, "scripts: %d (each CREATE TABLE, CREATE INDEX, 3 INSERTs), %d samples, engine first"
          + " in samples 1, 3, ..., psql first in 2, 4, ...", SCRIPTS, SAMPLES));
      report.add(String.format(Locale.ROOT, "engine migrate, in-process, into a fresh database: median %.3f s (runs in order: %s)",
          median(engineSeconds), engineRuns));
      report.add(String.format(Locale.ROOT, "psql, one session, BEGIN/COMMIT per file, into a fresh database: median %.3f s"
          + " (runs in order: %s)", median(psqlSeconds), psqlRuns));
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

  /** The engine's migrate of every script into database bench_engine_{@code sample}, created for it: seconds. */
  private static double engine(EmbeddedPostgres postgres, Path scripts, int sample) throws Exception {
    String database = "bench_engine_" + sample;
    createDatabase(postgres, database);
    ConnectionSettings connection = new ConnectionSettings(Engine.POSTGRES, "localhost", postgres.getPort(),
        database, TlsMode.DISABLE, null, Map.of(), false);
    MigrationEngine engine = new MigrationEngine(connection, Login.of("postgres", "postgres"),
        MigrationSettings.defaults(), MigrationScripts.fromDirectories(List.of(scripts)),
        JdbcTargets.withTemporaryTrustStores(), Progress.silent());
    long t0 = System.nanoTime();
    MigrationResult result = engine.migrate();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(result.success()).as(String.valueOf(result.failure())).isTrue();
    assertThat(result.applied()).hasSize(SCRIPTS);
    return seconds;
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** One psql session into database bench_psql_{@code sample}, created for it, each file in its own transaction: seconds. */
  private static double psql(EmbeddedPostgres postgres, Path scripts, int sample) throws Exception {
    String database = "bench_psql_" + sample;
    createDatabase(postgres, database);
    int port = postgres.getPort();
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= SCRIPTS; i++) {
      all.append("BEGIN;\n")
          .append(Files.readString(scripts.resolve("V" + i + "__create_table_" + i + ".sql")))
          .append("COMMIT;\n");
    }
    Path input = Files.createTempFile("bench", ".sql");
    Files.writeString(input, all);
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost",
        "-p", String.valueOf(port), "-U", "postgres", "-d", database)
        .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(p.exitValue()).as("psql exit code").isZero();
    return seconds;
  }
}
