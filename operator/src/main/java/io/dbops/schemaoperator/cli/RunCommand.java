package io.dbops.schemaoperator.cli;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the operator (configured by WATCH_NAMESPACES, LABEL_SELECTOR, RECONCILE_CONCURRENCY, OPERATOR_IMAGE, LEADER_ELECTION, HTTP_PORT).")
final class RunCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.from(System.getenv());
    } catch (ConfigurationException e) {
      spec.commandLine().getErr().println("configuration error: " + e.getMessage());
      return ExitCode.CONFIGURATION;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    CountDownLatch stopped = new CountDownLatch(1);
    SchemaOperator operator = SchemaOperator.start(client, settings);
    // SIGTERM: stop taking work, let informers close, then exit; Jobs already started run on.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
      stopped.countDown();
    }, "schema-operator-shutdown"));
    spec.commandLine().getOut().println("schema-operator running; health on :" + operator.httpPort());
    spec.commandLine().getOut().flush();
    stopped.await();
    return ExitCode.SUCCESS;
  }
}
