package io.dbops.schemaoperator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The world's checks see what they claim to: secret values planted in a request body, in log
 * lines, in what a Job's container prints and in a metrics scrape are each found there, and a
 * request by the operator that the chart, as installed for that operator, does not allow is found too. Each planted value reaches
 * one place only, so each finding proves that place is read.
 */
class ScenarioWorldTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  /** A namespace's name, so that it appears as a label value in the operator's metrics. */
  private static final String IN_A_SCRAPE = "plantedtoken-7f3a9c";
  // Each value differs from the others in its first characters, which the scan also looks for.
  private static final String IN_A_BODY = "BodyPl4nt Pa55/word+=";
  private static final String IN_A_LOG = "LogPl4nt-Value-31";
  private static final String IN_A_JOB = "ImgPl4nt-File-77";
  private static final String NOT_SECRET = "plain-user-name";

  private static List<String> leaks;
  private static List<String> refused;

  @BeforeAll
  static void plantAndScan() throws Exception {
    ScenarioWorld world = ScenarioWorld.shared();
    world.start();
    try {
      String ns = "planting";
      world.cluster().secret(ns, "planted", Map.of("username", NOT_SECRET, "scrape-key", IN_A_SCRAPE,
          "body-key", IN_A_BODY, "log-key", IN_A_LOG, "job-key", IN_A_JOB));
      RunningOperator operator = world.startOperator();

      Namespace planting = new Namespace(world.client(), ns);
      // Two requests: each request body yields one finding per secret, in the first form found.
      planting.create("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: dsn}
          data:
            dsn: "postgres://%s:%s@db/app"
          """.formatted(NOT_SECRET, URLEncoder.encode(IN_A_BODY, StandardCharsets.UTF_8)));
      planting.create("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: blob}
          binaryData:
            blob: %s
          """.formatted(Base64.getEncoder().encodeToString(("x" + IN_A_BODY).getBytes(StandardCharsets.UTF_8))));

      LoggerFactory.getLogger(ScenarioWorldTest.class).warn("slf4j line with {}", IN_A_LOG);
      java.util.logging.Logger.getLogger("planted").warning("java.util.logging line with " + IN_A_LOG);

      // Only the image holds this value, and only the init container's output carries it out.
      world.jobs().imageContents("registry.example/printer:1", Map.of("/etc/planted", IN_A_JOB));
      planting.create("""
          apiVersion: batch/v1
          kind: Job
          metadata: {name: printer}
          spec:
            template:
              spec:
                restartPolicy: Never
                volumes: [{name: work, emptyDir: {}}]
                initContainers:
                  - name: print
                    image: registry.example/printer:1
                    command: [sh, -c, 'cat "$PLANTED"']
                    env: [{name: PLANTED, value: /etc/planted}]
                    volumeMounts: [{name: work, mountPath: /work}]
                containers:
                  - name: main
                    image: registry.example/printer:1
                    env: [{name: NEVER, valueFrom: {secretKeyRef: {name: missing, key: k}}}]
          """);
      Eventually.await("the printer Job's log", LIMIT,
          () -> world.jobs().logs().stream().anyMatch(l -> l.job().equals(ns + "/printer")));

      new Namespace(world.client(), IN_A_SCRAPE).create("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata: {name: db}
          spec:
            engine: postgres
            host: 127.0.0.1
            port: 1
            database: app
            credentials: {secretName: planted}
            tls: {mode: disable}
          """);
      Eventually.await("the connection in the scrape", LIMIT, () -> operator.scrape().contains("namespace=\"" + IN_A_SCRAPE + "\""));

      // As the operator, something the chart does not let it do.
      world.cluster().newClient(operator.userAgent()).secrets().inNamespace(ns).withName("planted").delete();
      // A list across namespaces: the chart grants it to an operator that watches every namespace,
      // and not to one installed to watch only this one.
      world.cluster().newClient(operator.userAgent()).secrets().inAnyNamespace().list();
      RunningOperator watching = world.startOperator("watching-" + ns,
          RunningOperator.Options.defaults().withoutHttp().watching(Set.of(ns)), true);
      world.cluster().newClient(watching.userAgent()).secrets().inAnyNamespace().list();
    } finally {
      world.stop();
    }
    leaks = world.leaks();
    refused = world.refusedByChart();
  }

  private static List<String> leaksOf(String key) {
    return leaks.stream().filter(l -> l.contains("key " + key + ",")).toList();
  }

  @Test
  void aSecretInARequestBodyIsFoundInItsEncodedForms() {
    assertThat(leaksOf("body-key")).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("request body of POST"))
        .anySatisfy(l -> assertThat(l).contains("form-URL-encoded"))
        .anySatisfy(l -> assertThat(l).contains("base64 (offset 1)"));
  }

  @Test
  void aSecretInALogLineIsFound() {
    assertThat(leaksOf("log-key")).singleElement().satisfies(l -> assertThat(l).startsWith("the log"));
  }

  @Test
  void aSecretPrintedByAJobsContainerIsFound() {
    assertThat(leaksOf("job-key")).singleElement().satisfies(l -> assertThat(l).startsWith("the log of Job planting/printer"));
  }

  @Test
  void aSecretInAMetricsScrapeIsFound() {
    assertThat(leaksOf("scrape-key")).anySatisfy(l -> assertThat(l).startsWith("metrics scrape"));
  }

  @Test
  void findingsNameTheSecretKeyNeverTheValueAndUsernamesAreNoSecret() {
    assertThat(leaks).isNotEmpty().allSatisfy(l -> assertThat(l)
        .doesNotContain(IN_A_BODY, IN_A_LOG, IN_A_JOB, URLEncoder.encode(IN_A_BODY, StandardCharsets.UTF_8)));
    assertThat(leaks).noneMatch(l -> l.contains("key username"));
  }

  @Test
  void anOperatorRequestTheChartDoesNotAllowIsFoundAndNothingElse() {
    assertThat(refused).hasSize(2)
        .anySatisfy(r -> assertThat(r).startsWith("delete /secrets in namespace planting"))
        .anySatisfy(r -> assertThat(r).startsWith("list /secrets cluster-wide").contains("by watching-planting"));
  }
}
