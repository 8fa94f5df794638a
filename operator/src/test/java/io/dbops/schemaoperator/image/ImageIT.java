package io.dbops.schemaoperator.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real Dockerfile, built with podman on a local stand-in for its Java 25 base (LocalBaseImage),
 * and run as a cluster would run it: the operator in its container (as the chart runs it, with its
 * default memory limit) against the mock API server and a real PostgreSQL, and the migration Job it creates run from the same image, locked down as the
 * Job's Pod spec says (user 65532, read-only root, no capabilities, no privilege escalation). Both
 * JVMs must start from the image's AOT cache: the JVM logs where each class came from, and any AOT
 * warning (a cache made for another jar or JVM, a flag that does not match) fails the test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageIT {
  private static final Path ROOT = Path.of("..");
  /** A tag of its own: several checkouts on one machine may run this test at once. */
  private static final String IMAGE = "localhost/schema-operator:image-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "team-a";
  /** The Secret app-db, which the test creates in the mock API server and hands the Job's container. */
  private static final Map<String, String> LOGIN = Map.of("username", "postgres", "password", "postgres");
  private static final String CLASS_LOADING = "-Xlog:class+load=info:stderr";
  private static final Pattern AOT_COMPLAINT = Pattern.compile("\\[(warning|error)\\s*]\\[(aot|cds)[^]]*].*");
  private static final Pattern CLASS_LOADED = Pattern.compile("\\[class,load\\s*] (\\S+) source: (.*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedPostgres postgres;
  private static MockCluster cluster;
  private static String operator;
  private static Job job;

  @BeforeAll
  static void buildTheImageAndStartTheOperatorInIt() throws Exception {
    Instant t0 = Instant.now();
    String base = LocalBaseImage.ensure();
    Instant t1 = Instant.now();
    Podman.run(Duration.ofMinutes(15), List.of("build", "--layers=false", "--build-arg", "BASE=" + base,
        "--tag", IMAGE, "--file", ROOT.resolve("Dockerfile").toString(), ROOT.toString())).orFail("podman build");
    Instant t2 = Instant.now();
    System.out.printf(Locale.ROOT, "ImageIT: base image %s ready in %.1f s; Dockerfile built on it in %.1f s%n",
        base, seconds(t0, t1), seconds(t1, t2));

    postgres = EmbeddedPostgres.builder().start();
    cluster = MockCluster.start();
    Namespace team = new Namespace(cluster.client(), NAMESPACE);
    cluster.secret(NAMESPACE, "app-db", LOGIN);
    team.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: app
          createDatabase: true
          tls: {mode: disable}
          credentials: {secretName: app-db}
        """.formatted(postgres.getPort()));
    team.create(Files.readString(ROOT.resolve("examples/quickstart/schema.yaml")));

    int httpPort = freePort();
    operator = "schema-operator-it-" + UUID.randomUUID().toString().substring(0, 8);
    Podman.run(Duration.ofMinutes(1), List.of("run", "--detach", "--name", operator, "--network", "host",
        "--user", "65532:65532", "--read-only", "--tmpfs", "/tmp:rw,mode=1777", "--cap-drop=ALL", "--memory=512m",
        "--security-opt", "no-new-privileges",
        "--env", "KUBERNETES_MASTER=" + cluster.client().getMasterUrl(),
        "--env", "KUBERNETES_AUTH_TRYKUBECONFIG=false", "--env", "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false",
        "--env", "OPERATOR_IMAGE=" + IMAGE, "--env", "LEADER_ELECTION=false", "--env", "HTTP_PORT=" + httpPort,
        "--env", "JAVA_TOOL_OPTIONS=" + CLASS_LOADING,
        IMAGE)).orFail("podman run (the operator)");
    Instant started = Instant.now();
    await("the operator's /readyz answers 200", () -> readyz(httpPort) == 200);
    System.out.printf(Locale.ROOT, "ImageIT: operator ready %.2f s after podman run%n", seconds(started, Instant.now()));
    await("the operator created the quickstart's migration Job", () -> !team.jobs().isEmpty());
    job = team.jobs().get(0);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      Podman.run(Duration.ofMinutes(1), List.of("rm", "--force", operator));
    }
    if (cluster != null) {
      cluster.close();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        // the JVM ends next; the embedded server's own shutdown hook stops it
      }
    }
    Podman.run(Duration.ofMinutes(1), List.of("rmi", "--force", IMAGE));
  }

  @Test
  @Order(1)
  void theOperatorInTheImageStartsFromTheAotCacheWithoutAWarning() {
    String logs = operatorLogs();

    assertThat(complaints(logs)).as("AOT warnings or errors").isEmpty();
    assertThat(fromCache(logs, "io.dbops.schemaoperator.runtime.SchemaOperator", "io.javaoperatorsdk.operator.Operator",
        "io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory", "io.dbops.schemaoperator.model.DatabaseSchema"))
        .as("loaded from the AOT cache").isTrue();
    System.out.println("ImageIT: operator " + cacheShare(logs));
  }

  @Test
  @Order(2)
  void theJobTheOperatorCreatedRunsInTheImageLockedDownAppliesTheScriptsAndWritesItsTerminationMessage() throws Exception {
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE);

    Run run = runJob(job, Map.of());

    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode result = JSON.readTree(run.terminationMessage());
    assertThat(result.path("success").asBoolean()).as(run.terminationMessage()).isTrue();
    assertThat(result.path("currentVersion").asText()).isEqualTo("3");
    assertThat(result.path("applied")).extracting(a -> a.path("script").asText())
        .containsExactly("V1__create_users.sql", "V2__index_users_email.sql", "V3__create_orders.sql", "R__active_users_view.sql");
    assertThat(run.stdout().strip()).as("the full result is the last stdout line").endsWith("}");
    assertThat(tables()).contains("users", "orders");

    assertThat(complaints(run.output())).as("AOT warnings or errors").isEmpty();
    assertThat(fromCache(run.stderr(), "io.dbops.schemaoperator.cli.MigrateCommand", "io.dbops.schemaoperator.migration.MigrationEngine",
        "org.flywaydb.core.Flyway", "org.postgresql.Driver")).as("loaded from the AOT cache").isTrue();
    System.out.println("ImageIT: migrate " + cacheShare(run.stderr()));

    Run again = runJob(job, Map.of());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.stdout()).contains("nothing to apply");
    System.out.printf(Locale.ROOT, "ImageIT: migrate in the image, wall time from podman run: %.2f s, then %.2f s with nothing to apply%n",
        run.seconds(), again.seconds());
  }

  @Test
  @Order(3)
  void aFailingScriptEndsWithExitCode1AndItsSqlStateInTheTerminationMessage() throws Exception {
    Run run = runJob(job, Map.of("V4__broken.sql", "CREATE TABLE broken (;"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    JsonNode failure = JSON.readTree(run.terminationMessage()).path("failure");
    assertThat(failure.path("script").asText()).isEqualTo("V4__broken.sql");
    assertThat(failure.path("sqlState").asText()).isEqualTo("42601");
    assertThat(failure.path("transient").asBoolean()).isFalse();
  }

  @Test
  @Order(4)
  void runHelpNamesTheOperatorsSettings() {
    Podman.Outcome help = Podman.run(Duration.ofMinutes(2), List.of("run", "--rm", "--network", "none", "--read-only", "--user", "65532:65532",
        "--cap-drop=ALL", "--security-opt", "no-new-privileges", IMAGE, "run", "--help"));

    assertThat(help.exitCode()).as(help.stderr()).isZero();
    assertThat(help.stdout()).contains("Usage: schema-operator run", "WATCH_NAMESPACES", "OPERATOR_IMAGE");
    assertThat(complaints(help.stdout() + help.stderr())).isEmpty();
  }

  private record Run(int exitCode, String stdout, String stderr, String terminationMessage, double seconds) {
    String output() {
      return stdout + "\n" + stderr;
    }
  }

  /**
   * Runs the Job's container as a kubelet would, its ConfigMaps read from the mock API server;
   * {@code extraScripts} join the scripts ConfigMap. The only change to (a copy of) the Pod
   * spec: the JVM also logs where each class came from.
   */
  private static Run runJob(Job job, Map<String, String> extraScripts) throws IOException {
    PodSpec pod = new PodSpecBuilder(job.getSpec().getTemplate().getSpec()).build();
    Map<String, Map<String, String>> configMaps = new HashMap<>();
    pod.getVolumes().forEach(v -> {
      if (v.getConfigMap() != null) {
        ConfigMap cm = cluster.client().configMaps().inNamespace(NAMESPACE).withName(v.getConfigMap().getName()).get();
        Map<String, String> data = new HashMap<>(cm.getData());
        data.putAll(extraScripts);
        configMaps.put(cm.getMetadata().getName(), data);
      }
    });
    for (EnvVar env : pod.getContainers().get(0).getEnv()) {
      if (env.getName().equals("JAVA_TOOL_OPTIONS")) {
        env.setValue(env.getValue() + " " + CLASS_LOADING);
      }
    }
    Path scratch = Files.createTempDirectory("pod");
    Path terminationMessage = scratch.resolve("termination-log");
    List<String> args = new ArrayList<>(new PodmanPod(pod, configMaps, Map.of("app-db", LOGIN)).runArguments(scratch, terminationMessage));
    args.add(pod.getContainers().get(0).getImage());
    args.addAll(pod.getContainers().get(0).getArgs());
    Instant t0 = Instant.now();
    Podman.Outcome outcome = Podman.run(Duration.ofMinutes(3), args);
    double seconds = seconds(t0, Instant.now());
    return new Run(outcome.exitCode(), outcome.stdout(), outcome.stderr(),
        Files.readString(terminationMessage, StandardCharsets.UTF_8), seconds);
  }

  private static List<String> tables() throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection c = postgres.getDatabase("postgres", "app").getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'app'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  private static List<String> complaints(String output) {
    return output.lines().filter(l -> AOT_COMPLAINT.matcher(l).find()).toList();
  }

  /** Whether every one of these classes was loaded, and from the AOT cache. */
  private static boolean fromCache(String classLog, String... classes) {
    Map<String, String> sources = sources(classLog);
    for (String name : classes) {
      if (!"shared objects file".equals(sources.get(name))) {
        System.out.println("ImageIT: " + name + " loaded from " + sources.get(name));
        return false;
      }
    }
    return true;
  }

  private static String cacheShare(String classLog) {
    Map<String, String> sources = sources(classLog);
    long cached = sources.values().stream().filter("shared objects file"::equals).count();
    return String.format(Locale.ROOT, "JVM: %d of %d classes from the AOT cache", cached, sources.size());
  }

  private static Map<String, String> sources(String classLog) {
    Map<String, String> sources = new HashMap<>();
    classLog.lines().forEach(line -> {
      Matcher m = CLASS_LOADED.matcher(line);
      if (m.find()) {
        sources.put(m.group(1), m.group(2).strip());
      }
    });
    return sources;
  }

  private static String operatorLogs() {
    Podman.Outcome logs = Podman.run(Duration.ofMinutes(1), List.of("logs", operator));
    return logs.stdout() + "\n" + logs.stderr();
  }

  private static int readyz(int port) {
    try {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant limit = Instant.now().plus(Duration.ofSeconds(120));
    while (!condition.getAsBoolean()) {
      boolean running = Podman.run(Duration.ofMinutes(1), List.of("inspect", "--format", "{{.State.Running}}", operator))
          .stdout().strip().equals("true");
      if (!running || Instant.now().isAfter(limit)) {
        String log = operatorLogs().lines().filter(l -> !CLASS_LOADED.matcher(l).find()).collect(Collectors.joining("\n"));
        throw new AssertionError(what + ": not within 120 s (operator running: " + running + "); its log:\n" + log);
      }
      Thread.sleep(500);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
