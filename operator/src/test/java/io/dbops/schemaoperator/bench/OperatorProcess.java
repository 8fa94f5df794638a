package io.dbops.schemaoperator.bench;

import io.dbops.schemaoperator.jobenv.MigrateJvm;
import io.dbops.schemaoperator.testing.MockCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's executable jar run as a process of its own, as its image runs it: {@code java
 * <options> -jar target/schema-operator.jar <args>} (the bench profile builds the jar before the
 * tests run) with no environment but PATH and what it is given, its output to a log file. {@link
 * #run} starts the {@code run} command, the operator itself, against the mock API server: it reads
 * its settings from the environment as in a cluster (OperatorSettings), serves /readyz on a free
 * HTTP_PORT and is stopped with SIGTERM, as the kubelet stops it. Its heap is read from outside with
 * the {@code jcmd} of the JDK it runs on.
 */
final class OperatorProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "schema-operator.jar").toAbsolutePath();
  /** What the image's training run applies (Dockerfile). */
  static final Path QUICKSTART = Path.of("..", "examples", "quickstart").toAbsolutePath();

  private final Process process;
  private final Path java;
  private final Path log;
  private final int httpPort;
  private final long startedAt;

  private OperatorProcess(Process process, Path java, Path log, int httpPort, long startedAt) {
    this.process = process;
    this.java = java;
    this.log = log;
    this.httpPort = httpPort;
    this.startedAt = startedAt;
  }

  /**
   * The environment the operator needs to run against {@code cluster} from outside a cluster: its
   * API server (KUBERNETES_MASTER, no kubeconfig, no ServiceAccount), the image migration Jobs run,
   * no leader election. Mutable, for the caller's own settings.
   */
  static Map<String, String> environment(MockCluster cluster, String operatorImage) {
    Map<String, String> env = new HashMap<>();
    env.put("KUBERNETES_MASTER", cluster.client().getMasterUrl().toString());
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("OPERATOR_IMAGE", operatorImage);
    env.put("LEADER_ELECTION", "false");
    return env;
  }

  /**
   * Starts {@code java <options> -jar schema-operator.jar run} with {@code env} and HTTP_PORT set to
   * a free port, output to {@code log}; {@link #awaitReady} waits for it to be ready.
   */
  static OperatorProcess run(Path java, List<String> options, Map<String, String> env, Path log) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("HTTP_PORT", String.valueOf(port));
    long t0 = System.nanoTime();
    Process process = start(java, options, withPort, log, "run");
    return new OperatorProcess(process, java, log, port, t0);
  }

  /**
   * Makes the AOT cache (Java 25 and later) the image makes and starts from (Dockerfile): its training
   * run, {@code train -f examples/quickstart} with MigrateJvm's training options, writes it to
   * {@code cache} on exit. Only valid for this jar on this {@code java}.
   */
  static void trainAotCache(Path java, Path cache) throws IOException, InterruptedException {
    Files.deleteIfExists(cache);
    Path log = Files.createTempFile("train", ".log");
    try {
      Process training = start(java, MigrateJvm.trainingOptions(cache), Map.of(), log, "train", "-f", QUICKSTART.toString());
      if (!training.waitFor(300, TimeUnit.SECONDS)) {
        training.destroyForcibly();
        throw new AssertionError("the training run did not finish within 300 s:\n" + Files.readString(log));
      }
      if (training.exitValue() != 0 || !Files.exists(cache)) {
        throw new AssertionError("the training run exited with " + training.exitValue() + " and no cache:\n" + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** {@code java <options> -jar schema-operator.jar <args>} with only PATH and {@code env}, output to {@code log}. */
  static Process start(Path java, List<String> options, Map<String, String> env, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(options);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The second line of {@code java -version}: the runtime and its build. */
  static String version(Path java) throws Exception {
    Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return text.lines().skip(1).findFirst().orElse(text).strip();
  }

  /**
   * Waits until /readyz answers 200 (every informer synced): the seconds from process start. Throws,
   * with the log, if the process ends or {@code within} passes first.
   */
  double awaitReady(Duration within) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
        .timeout(Duration.ofSeconds(1)).build();
    while (true) {
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return (System.nanoTime() - startedAt) / 1e9;
        }
      } catch (IOException notListeningYet) {
        // the port opens a little before the informers have synced
      }
      if (!process.isAlive() || System.nanoTime() - startedAt > within.toNanos()) {
        throw new AssertionError("the operator was not ready within " + within.toSeconds() + " s:\n" + log());
      }
      Thread.sleep(5);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process has written so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** The heap the process uses after a full collection, as the JVM itself reports it. */
  record Heap(long usedBytes, long committedBytes, String collector) {}

  /**
   * Forces full collections in the process ({@code jcmd GC.run}, three times, 200 ms apart, so that
   * what cleaners and reference processing free is gone too), then reads its heap ({@code jcmd
   * GC.heap_info}): used and committed, summed over the heap's top-level spaces (G1's one heap, or
   * the young and old generations of the serial and parallel collectors).
   */
  Heap heapAfterFullGc() throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      jcmd("GC.run");
      Thread.sleep(200);
    }
    return parseHeapInfo(jcmd("GC.heap_info"));
  }

  static Heap parseHeapInfo(String heapInfo) {
    Pattern used = Pattern.compile("\\bused (\\d+)K");
    Pattern committed = Pattern.compile("\\b(?:committed|total) (\\d+)K");
    long usedKib = 0;
    long committedKib = 0;
    List<String> spaces = new ArrayList<>();
    for (String line : heapInfo.lines().toList()) {
      // Top-level lines are the heap's spaces; indented ones are their parts, and Metaspace (indented too).
      Matcher u = used.matcher(line);
      if (line.isEmpty() || Character.isWhitespace(line.charAt(0)) || !u.find()) {
        continue;
      }
      usedKib += Long.parseLong(u.group(1));
      Matcher c = committed.matcher(line);
      if (c.find()) {
        committedKib += Long.parseLong(c.group(1));
      }
      spaces.add(line.split("\\s+total")[0].trim());
    }
    if (spaces.isEmpty()) {
      throw new AssertionError("no heap space in GC.heap_info:\n" + heapInfo);
    }
    return new Heap(usedKib * 1024, committedKib * 1024, String.join(" + ", spaces));
  }

  /**
   * A field of /proc/&lt;pid&gt;/status in bytes ({@code VmHWM}: peak resident set; {@code VmRSS}: now),
   * or -1 where there is no /proc.
   */
  long procStatusBytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** {@code jcmd <pid> <command>} with the jcmd of the JDK the process runs on: its output. */
  String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = java.resolveSibling("jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new AssertionError("no jcmd beside " + java + ": the operator's Java must be a JDK to read its heap");
    }
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("jcmd " + pid() + " " + command + " failed:\n" + out);
    }
    return out;
  }

  /** SIGTERM, as the kubelet stops it; SIGKILL if it has not ended within 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
