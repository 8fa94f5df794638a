package io.dbops.schemaoperator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.DestructiveChange;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.SecretScrubber;
import io.dbops.schemaoperator.model.DatabaseSchema;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The shape of apply, plan and validate: read YAML, resolve each DatabaseSchema, run one engine
 * operation per schema, print a table for people, JSON for machines or (plan) Markdown for a pull
 * request. Progress goes to stderr so that stdout holds only the result.
 */
abstract class LocalCommand implements Callable<Integer> {
  enum Format { table, json, markdown }

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
      description = "YAML file or directory holding DatabaseConnection, DatabaseSchema, DatabaseSchemaSet, Secret and ConfigMap"
          + " documents; a set stands for one schema per connection in the files that it selects.")
  List<Path> files;

  @Option(names = "--embedded",
      description = "Start a throw-away embedded PostgreSQL and point every connection at it.")
  boolean embedded;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table (default), json, or markdown (plan only: a pull request comment).")
  Format output;

  @Option(names = "--schema", paramLabel = "NAME", description = "Only this DatabaseSchema (a set's child by its name, <set>-<connection>).")
  String only;

  /** Runs this command's operation for one resolved schema. */
  abstract MigrationResult run(LocalTarget target, PrintWriter progress);

  /** Writes the human form of one schema's result. */
  abstract void printTable(SchemaOutcome outcome, PrintWriter out);

  /** Writes every schema's result as one Markdown document; only commands that {@link #writesMarkdown()}. */
  void printMarkdown(List<SchemaOutcome> outcomes, PrintWriter out) {
    throw new IllegalStateException(spec.name() + " writes no Markdown");
  }

  boolean writesMarkdown() {
    return false;
  }

  /** The exit code for these outcomes: DESIGN.md's codes, the worst one first. */
  int exitCode(List<SchemaOutcome> outcomes) {
    return ExitCode.worst(outcomes.stream().map(SchemaOutcome::result).toList());
  }

  /** @param findings destructive changes in the scripts the result lists as pending (plan only) */
  record SchemaOutcome(String namespace, String name, String connection, MigrationResult result,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DestructiveChange> findings) {
    SchemaOutcome(String namespace, String name, String connection, MigrationResult result) {
      this(namespace, name, connection, result, List.of());
    }
  }

  /** What this command reports about the scripts a result lists as pending; nothing unless a command says so. */
  List<DestructiveChange> findings(LocalTarget target, MigrationResult result) {
    return List.of();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output == Format.markdown && !writesMarkdown()) {
      err.println("-o markdown: only plan writes Markdown; use table or json with " + spec.name());
      err.flush();
      return ExitCode.CONFIGURATION;
    }
    List<SchemaOutcome> outcomes = new ArrayList<>();
    try {
      ManifestSet manifests = ManifestSet.read(files);
      List<DatabaseSchema> schemas = selected(manifests);
      try (EmbeddedPostgresServer server = embedded ? startEmbedded(err) : null) {
        LocalTargetResolver resolver = new LocalTargetResolver(manifests, System.getenv(), server);
        for (DatabaseSchema schema : schemas) {
          outcomes.add(runOne(resolver, schema, err));
        }
      }
    } catch (ConfigurationException e) {
      err.println("configuration error: " + e.getMessage());
      err.flush();
      if (output == Format.markdown) {
        // A pipeline posts stdout as it is: the comment should say why there is no plan.
        out.print(PlanMarkdown.configurationError(e.getMessage()));
        out.flush();
      }
      return ExitCode.CONFIGURATION;
    }
    print(outcomes, out);
    out.flush();
    err.flush();
    return exitCode(outcomes);
  }

  private SchemaOutcome runOne(LocalTargetResolver resolver, DatabaseSchema schema, PrintWriter err) {
    String namespace = ManifestSet.namespaceOf(schema);
    String name = schema.getMetadata().getName();
    String connection = schema.getSpec() == null || schema.getSpec().getConnectionRef() == null
        ? null : schema.getSpec().getConnectionRef().getName();
    try {
      LocalTarget target = resolver.resolve(schema);
      err.println("schema " + name + ": " + target.connection().engine().wireName() + " database "
          + target.connection().database() + " on " + (target.login().hasUrl() ? "the urlFrom Secret's server" : target.connection().endpoint()));
      SecretScrubber scrubber = SecretScrubber.of(target.login());
      PrintWriter progress = new PrintWriter(new java.io.Writer() {
        @Override public void write(char[] buf, int off, int len) { err.write(scrubber.scrub(new String(buf, off, len))); }
        @Override public void flush() { err.flush(); }
        @Override public void close() { err.flush(); }
      }, true);
      try (MigrationScripts staged = target.scripts()) {
        MigrationResult result = run(target, progress);
        return new SchemaOutcome(namespace, name, connection, result, findings(target, result));
      }
    } catch (ConfigurationException e) {
      return new SchemaOutcome(namespace, name, connection,
          MigrationResult.failed(operation(), MigrationFailure.configuration(e.getMessage())));
    }
  }

  abstract MigrationResult.Operation operation();

  private List<DatabaseSchema> selected(ManifestSet manifests) {
    List<DatabaseSchema> schemas = manifests.schemas().stream()
        .filter(s -> only == null || only.equals(s.getMetadata().getName()))
        .toList();
    if (schemas.isEmpty()) {
      throw new ConfigurationException(only == null
          ? "no DatabaseSchema in the files given with -f (nor a DatabaseSchemaSet selecting a connection in them)"
          : "no DatabaseSchema named " + only + " in the files given with -f");
    }
    return schemas;
  }

  private static EmbeddedPostgresServer startEmbedded(PrintWriter err) {
    err.println("starting embedded PostgreSQL ...");
    err.flush();
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
    err.println("embedded PostgreSQL listening on localhost:" + server.port());
    return server;
  }

  private void print(List<SchemaOutcome> outcomes, PrintWriter out) {
    if (output == Format.json) {
      out.println(toJson(Map.of("schemas", outcomes)));
      return;
    }
    if (output == Format.markdown) {
      printMarkdown(outcomes, out);
      return;
    }
    for (SchemaOutcome outcome : outcomes) {
      MigrationResult r = outcome.result();
      if (r.failure() != null) {
        MigrationFailure f = r.failure();
        out.println("schema " + outcome.name() + ": " + operation() + " FAILED (" + f.reason()
            + (f.transientError() ? ", transient: retrying may help" : "") + ")");
        if (f.script() != null) {
          out.println("  script:   " + f.script() + (f.sqlState() == null ? "" : "  (SQLSTATE " + f.sqlState() + ")"));
        }
        out.println("  message:  " + f.message());
      }
      printTable(outcome, out);
    }
  }

  private static String toJson(Object value) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
