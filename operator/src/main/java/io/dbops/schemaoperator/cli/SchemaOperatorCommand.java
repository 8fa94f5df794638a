package io.dbops.schemaoperator.cli;

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
    System.exit(commandLine().execute(args));
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
