package io.dbops.schemaoperator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.jobenv.EnvironmentLogin;
import io.dbops.schemaoperator.jobenv.JobEnvironment;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.JdbcTargets;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.migration.ResultCodec;
import io.dbops.schemaoperator.migration.SecretScrubber;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What a migration Job's container runs. All input comes from the environment and mounted files
 * ({@link JobEnvironment} lists the names), because that is what a Pod spec can give it without
 * putting secrets in arguments. It prints progress lines, writes the result (at most 4096 bytes) to
 * DBOPS_RESULT_FILE, prints the full result as its last stdout line, and exits 0 success, 1
 * migration failed, 2 transient, 3 bad configuration.
 */
@Command(name = "migrate", description = "Run one migration operation as a Job's container does (configured by DBOPS_* environment variables).")
public final class MigrateCommand implements Callable<Integer> {

  private static final ObjectMapper SPECS =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    return run(System.getenv(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The whole run, with the environment given explicitly: the Job container and test controllers call this. */
  public static int run(Map<String, String> env, PrintWriter out, PrintWriter err) {
    Operation operation = Operation.migrate;
    MigrationResult result;
    SecretScrubber scrubber = new SecretScrubber(List.of());
    try {
      operation = operation(env);
      Login login = EnvironmentLogin.from(env).orElseThrow(() -> new ConfigurationException(
          "no login given: set DBOPS_USERNAME and DBOPS_PASSWORD, or DBOPS_JDBC_URL"));
      scrubber = SecretScrubber.of(login);
      ConnectionSettings connection = ConnectionSettings.from(
          spec(env, JobEnvironment.CONNECTION, DatabaseConnectionSpec.class),
          env.containsKey(JobEnvironment.CA_FILE) ? Path.of(env.get(JobEnvironment.CA_FILE)) : null);
      MigrationSettings settings = MigrationSettings.from(spec(env, JobEnvironment.SCHEMA, DatabaseSchemaSpec.class));
      try (MigrationScripts scripts = MigrationScripts.fromDirectories(directories(env))) {
        SecretScrubber lineScrubber = scrubber;
        MigrationEngine engine = new MigrationEngine(connection, login, settings, scripts,
            JdbcTargets.withTemporaryTrustStores(), line -> {
              out.println(lineScrubber.scrub(line));
              out.flush();
            });
        result = switch (operation) {
          case migrate -> engine.migrate();
          case info -> engine.info();
          case validate -> engine.validate();
          case repair -> engine.repair();
          case drop -> engine.drop();
        };
      }
    } catch (ConfigurationException e) {
      String message = scrubber.scrub(e.getMessage());
      err.println("configuration error: " + message);
      result = MigrationResult.failed(operation, MigrationFailure.configuration(message));
    }
    writeResultFile(env, result, err);
    out.println(ResultCodec.toJson(result));
    out.flush();
    err.flush();
    return result.exitCode();
  }

  private static Operation operation(Map<String, String> env) {
    String value = env.getOrDefault(JobEnvironment.OPERATION, "migrate");
    try {
      return Operation.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(JobEnvironment.OPERATION + "=" + value + " is not an operation: use migrate, info, validate, repair or drop");
    }
  }

  private static <T> T spec(Map<String, String> env, String name, Class<T> type) {
    String json = env.get(name);
    if (json == null || json.isBlank()) {
      throw new ConfigurationException(name + " is not set: it must hold the resource's spec as JSON");
    }
    try {
      return SPECS.readValue(json, type);
    } catch (IOException e) {
      throw new ConfigurationException(name + " is not a valid spec: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static List<Path> directories(Map<String, String> env) {
    return Arrays.stream(env.getOrDefault(JobEnvironment.MIGRATIONS, JobEnvironment.DEFAULT_MIGRATIONS).split(":"))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .toList();
  }

  private static void writeResultFile(Map<String, String> env, MigrationResult result, PrintWriter err) {
    Path file = Path.of(env.getOrDefault(JobEnvironment.RESULT_FILE, JobEnvironment.DEFAULT_RESULT_FILE));
    try {
      Files.writeString(file, ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // The result still reaches the log as the last stdout line, so the run is not lost.
      err.println("warning: cannot write the result to " + file + ": " + e.getMessage());
    }
  }
}
