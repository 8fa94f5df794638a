package io.dbops.schemaoperator.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: the Job's entry point and the local commands. */
@Command(
    name = "schema-operator",
    mixinStandardHelpOptions = true,
    versionProvider = SchemaOperatorCommand.Version.class,
    description = "Brings databases to the schema their DatabaseSchema resources describe.",
    subcommands = {RunCommand.class, MigrateCommand.class, ApplyCommand.class, PlanCommand.class, ValidateCommand.class,
        TrainCommand.class},
    footer = {"", "Exit codes: 0 success, 1 a migration failed, 2 transient (retry may help), 3 bad configuration."})
public final class SchemaOperatorCommand implements Runnable {

  public static void main(String[] args) {
    if (List.of(args).equals(List.of("migrate"))) {
      System.exit(migrate());
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * A migration Job's container, without picocli: picocli's classes are compiled for Java 5, so the
   * JVM verifies them the slow way and neither an AOT cache nor a CDS archive can hold them, and its
   * model of every subcommand took about 0.3 s of CPU, a quarter of a no-op migrate
   * (StartupBenchmark). An unexpected exception ends as picocli ends it: the stack trace, exit 3.
   */
  private static int migrate() {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    try {
      return MigrateCommand.run(System.getenv(), out, err);
    } catch (RuntimeException e) {
      e.printStackTrace(err);
      return ExitCode.CONFIGURATION;
    } finally {
      out.flush();
      err.flush();
    }
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SchemaOperatorCommand());
    // Wrong flags are bad configuration, exit 3 like every other input mistake.
    cli.setExitCodeExceptionMapper(e -> ExitCode.CONFIGURATION);
    cli.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println(ex.getMessage());
      ex.getCommandLine().usage(ex.getCommandLine().getErr());
      return ExitCode.CONFIGURATION;
    });
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SchemaOperatorCommand.class.getPackage().getImplementationVersion();
      return new String[] {"schema-operator " + (version == null ? "development build" : version)};
    }
  }
}
