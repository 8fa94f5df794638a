package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The image's training run: one JVM that takes the code paths of a migration Job and of the
 * operator's start-up, so that a JVM started with -XX:AOTCacheOutput records both in the one AOT
 * cache the image's Jobs and its operator start from (a JVM writes one cache, from one run).
 * Hidden: it exists for the Dockerfile and StartupBenchmark.
 */
@Command(name = "train", hidden = true,
    description = "Image build only: apply the given manifests to an embedded PostgreSQL, then start the operator against no API server.")
final class TrainCommand implements Callable<Integer> {
  /** Nothing listens on port 1: the operator's start-up runs until its informers' first request. */
  static final String NO_API_SERVER = "https://127.0.0.1:1";

  @Spec
  private CommandSpec spec;

  @Option(names = "-f", required = true, paramLabel = "PATH", description = "The manifests to apply, as apply -f takes them.")
  private Path manifests;

  @Override
  public Integer call() {
    int applied = spec.parent().commandLine().execute("apply", "-f", manifests.toString(), "--embedded");
    if (applied != ExitCode.SUCCESS) {
      return applied;
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("train: starting the operator against " + NO_API_SERVER + ", where no API server listens:"
        + " the connection errors it logs are expected");
    err.flush();
    OperatorSettings settings = OperatorSettings.from(Map.of(
        "OPERATOR_IMAGE", "training", "HTTP_PORT", "0", "LEADER_ELECTION", "false"));
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl(NO_API_SERVER).withRequestRetryBackoffLimit(0).build())
        .build()) {
      SchemaOperator.start(client, settings).close();
      err.println("train: an API server answered at " + NO_API_SERVER + "; the operator started and stopped");
    } catch (RuntimeException expected) {
      err.println("train: the operator started up to its first API request (" + expected.getClass().getSimpleName() + ")");
    }
    return ExitCode.SUCCESS;
  }
}
