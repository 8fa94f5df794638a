package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.jobenv.JobEnvironment;
import io.dbops.schemaoperator.cli.MigrateCommand;
import io.dbops.schemaoperator.migration.MigrationEngine;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationScripts;
import io.dbops.schemaoperator.migration.ResultCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Does what the kubelet and the Job controller would for our migration Jobs: resolves the
 * container's environment and volumes from the API server, runs the container's real `migrate`
 * in-process, then records a Pod with its termination message and the Job's outcome.
 */
public final class FakeJobController implements AutoCloseable {
  private final KubernetesClient client;
  private final ExecutorService workers;
  private final SharedIndexInformer<Job> informer;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, Job> paused = new ConcurrentHashMap<>();
  private final Map<String, String> logs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> images = new ConcurrentHashMap<>();
  private volatile boolean pausing;
  private final boolean instant;
  private final Map<String, Job> answeredInstantly = new ConcurrentHashMap<>();
  private final Map<String, MigrationResult> reported = new ConcurrentHashMap<>();
  private final Map<String, Path> claims = new ConcurrentHashMap<>();

  private FakeJobController(KubernetesClient client, int workers, boolean instant) {
    this.client = client;
    this.workers = Executors.newFixedThreadPool(workers);
    this.instant = instant;
    this.informer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        accept(job);
      }

      @Override
      public void onUpdate(Job oldJob, Job newJob) {}

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        paused.remove(key(job));
        // A later Job may reuse the name, as the API server allows.
        seen.remove(key(job));
      }
    });
  }

  public static FakeJobController start(KubernetesClient client) {
    return new FakeJobController(client, 2, false);
  }

  /** Runs up to {@code workers} Jobs at once, as a cluster with that many free nodes would. */
  public static FakeJobController start(KubernetesClient client, int workers) {
    return new FakeJobController(client, workers, false);
  }

  /**
   * Answers each migrate Job at once without running it, for load tests of the operator, where the
   * Jobs' own work would otherwise share the machine with it: a Pod whose termination message is
   * what `migrate` reports on a schema none of the Job's scripts has run on (all of them applied, in
   * Flyway's order, up to the highest version), and the Job Complete. The database is left alone
   * until {@link #applyReported()} runs the real `migrate` of every Job answered so and compares its
   * result with the one reported. Other operations run for real.
   */
  public static FakeJobController startInstant(KubernetesClient client, int workers) {
    return new FakeJobController(client, workers, true);
  }

  /**
   * Runs the real `migrate` of every Job {@link #startInstant answered instantly}, so the database
   * holds what was reported, and says where a real result differs from the reported one: success,
   * version reached, or the scripts applied and their order.
   *
   * @return one line per difference; empty when every report was what `migrate` does
   */
  public List<String> applyReported() throws InterruptedException {
    List<java.util.concurrent.Callable<String>> runs = new java.util.ArrayList<>();
    for (Map.Entry<String, Job> answered : answeredInstantly.entrySet()) {
      runs.add(() -> {
        Optional<Execution> done = execute(answered.getValue());
        if (done.isEmpty()) {
          return answered.getKey() + ": the container could not start";
        }
        MigrationResult real = ResultCodec.fromJson(done.get().terminationMessage());
        MigrationResult said = reported.get(answered.getKey());
        if (real.success() != said.success() || !Objects.equals(real.currentVersion(), said.currentVersion())
            || !scriptNames(real.applied()).equals(scriptNames(said.applied()))) {
          return answered.getKey() + ": reported " + said.success() + " at " + said.currentVersion() + " applying "
              + scriptNames(said.applied()) + ", migrate gave " + real.success() + " at " + real.currentVersion() + " applying "
              + scriptNames(real.applied()) + (real.failure() == null ? "" : " (" + real.failure().message() + ")");
        }
        return null;
      });
    }
    List<String> differences = new java.util.ArrayList<>();
    for (var run : workers.invokeAll(runs)) {
      try {
        if (run.get() != null) {
          differences.add(run.get());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        differences.add(String.valueOf(e.getCause()));
      }
    }
    return differences;
  }

  private static List<String> scriptNames(List<MigrationResult.AppliedScript> applied) {
    return applied.stream().map(MigrationResult.AppliedScript::script).toList();
  }

  /** What `copy-migrations` would copy out of an application image. */
  public void imageContents(String imageRef, Map<String, String> files) {
    images.put(imageRef, Map.copyOf(files));
  }

  /** New Jobs stay active without running, like slow ones. */
  public void pause() {
    pausing = true;
  }

  /** Runs every paused Job and stops pausing. */
  public void resume() {
    pausing = false;
    for (Job job : List.copyOf(paused.values())) {
      paused.remove(key(job));
      workers.submit(() -> run(job));
    }
  }

  /** Fails a paused Job the way activeDeadlineSeconds does: no result, reason DeadlineExceeded. */
  public void exceedDeadline(String jobName) {
    Job job = paused.values().stream().filter(j -> j.getMetadata().getName().equals(jobName)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no paused Job " + jobName));
    paused.remove(key(job));
    finish(job, false, "DeadlineExceeded", "Job was active longer than specified deadline");
  }

  /** Everything every container printed. */
  public String allLogs() {
    return String.join("\n", logs.values());
  }

  public String logs(String jobName) {
    return logs.getOrDefault(jobName, "");
  }

  private void accept(Job job) {
    if (job.getStatus() != null && job.getStatus().getCompletionTime() != null || !seen.add(key(job))) {
      return;
    }
    if (pausing) {
      paused.put(key(job), job);
      return;
    }
    workers.submit(() -> {
      if (instant && isMigrate(job)) {
        answerInstantly(job);
      } else {
        run(job);
      }
    });
  }

  private static boolean isMigrate(Job job) {
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    return "migrate".equals(container.getName()) && container.getEnv().stream()
        .filter(e -> JobEnvironment.OPERATION.equals(e.getName()))
        .allMatch(e -> "migrate".equals(e.getValue()));
  }

  private void answerInstantly(Job job) {
    try {
      MigrationResult result = resultOnUntouchedSchema(job);
      answeredInstantly.put(key(job), job);
      reported.put(key(job), result);
      createPod(job, 0, ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT));
      finish(job, true, null, null);
    } catch (KubernetesClientException e) {
      // The Job or its namespace went away; a kubelet would find nothing to report to.
    }
  }

  /** What `migrate` reports when none of the Job's scripts has run yet: every one applied, in Flyway's order. */
  private MigrationResult resultOnUntouchedSchema(Job job) {
    String namespace = job.getMetadata().getNamespace();
    var podSpec = job.getSpec().getTemplate().getSpec();
    Map<String, String> files = new java.util.TreeMap<>();
    for (Volume volume : podSpec.getVolumes()) {
      if (volume.getConfigMap() != null) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
        Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : cm.getData();
        List<KeyToPath> items = volume.getConfigMap().getItems();
        if (items == null || items.isEmpty()) {
          files.putAll(data);
        } else {
          items.stream().filter(i -> data.containsKey(i.getKey())).forEach(i -> files.put(i.getPath(), data.get(i.getKey())));
        }
      }
    }
    if (podSpec.getInitContainers() != null) {
      podSpec.getInitContainers().forEach(init -> files.putAll(images.getOrDefault(init.getImage(), Map.of())));
    }
    List<MigrationResult.PendingScript> order;
    try (MigrationScripts scripts = MigrationScripts.fromNamedSources(List.of(files))) {
      order = scripts.asPending();
    }
    String now = Instant.now().toString();
    List<MigrationResult.AppliedScript> applied = order.stream()
        .map(p -> new MigrationResult.AppliedScript(p.version(), p.description(), p.type(), p.script(), null, 0, now, true))
        .toList();
    String version = order.stream().map(MigrationResult.PendingScript::version).filter(Objects::nonNull)
        .reduce((first, second) -> second).orElse(null);
    return new MigrationResult(MigrationResult.Operation.migrate, true, version, applied, List.of(),
        applied.subList(Math.max(0, applied.size() - MigrationEngine.HISTORY_LIMIT), applied.size()), null, null);
  }

  private void run(Job job) {
    try {
      Optional<Execution> done = execute(job);
      if (done.isEmpty()) {
        return;
      }
      int exit = done.get().exitCode();
      createPod(job, exit, done.get().terminationMessage());
      finish(job, exit == 0, exit == 0 ? null : "BackoffLimitExceeded", exit == 0 ? null : "Job has reached the specified backoff limit");
    } catch (KubernetesClientException e) {
      // The Job or its namespace went away while it ran; a kubelet would find nothing to report to.
    }
  }

  /** What the container did: its exit code and termination message. */
  private record Execution(int exitCode, String terminationMessage) {}

  /** Runs the Job's container; empty when it cannot start (CreateContainerConfigError). */
  private Optional<Execution> execute(Job job) {
    Map<String, Path> volumes = new HashMap<>();
    Path result = null;
    try {
      String namespace = job.getMetadata().getNamespace();
      var podSpec = job.getSpec().getTemplate().getSpec();
      for (Volume volume : podSpec.getVolumes()) {
        volumes.put(volume.getName(), materialize(namespace, volume));
      }
      if (podSpec.getInitContainers() != null) {
        for (Container init : podSpec.getInitContainers()) {
          Map<String, String> files = images.getOrDefault(init.getImage(), Map.of());
          Path target = volumes.get(init.getVolumeMounts().get(0).getName());
          for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(target.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
          }
        }
      }
      Container container = podSpec.getContainers().get(0);
      if (BackupJobBuilder.CONTAINER.equals(container.getName())) {
        return runShell(job, container, volumes);
      }
      Map<String, String> mounts = new LinkedHashMap<>();
      for (VolumeMount m : container.getVolumeMounts()) {
        mounts.put(m.getMountPath(), volumes.get(m.getName()).toString());
      }
      Map<String, String> env = new HashMap<>();
      Map<String, Optional<Secret>> secrets = new HashMap<>();
      for (EnvVar var : container.getEnv()) {
        Optional<String> value = resolve(namespace, var, secrets);
        if (value.isEmpty()) {
          // CreateContainerConfigError: the Pod never starts and the Job stays active.
          logs.put(job.getMetadata().getName(), "CreateContainerConfigError: " + var.getName() + " cannot be resolved");
          return Optional.empty();
        }
        env.put(var.getName(), rewritePaths(value.get(), mounts));
      }
      result = Files.createTempFile("termination-log", ".json");
      env.put(JobEnvironment.RESULT_FILE, result.toString());
      StringWriter out = new StringWriter();
      int exit = MigrateCommand.run(env, new PrintWriter(out, true), new PrintWriter(out, true));
      logs.put(job.getMetadata().getName(), out.toString());
      String message = Files.readString(result, StandardCharsets.UTF_8);
      return Optional.of(new Execution(exit, message.length() > 4096 ? message.substring(0, 4096) : message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // A node cleans up after its Pods; a long test run would otherwise fill the temporary directory.
      // Claims outlive their Pods, as persistent volumes do.
      volumes.values().stream().filter(dir -> !claims.containsValue(dir)).forEach(FakeJobController::deleteTree);
      if (result != null) {
        deleteTree(result);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: a leftover temporary file is no reason to fail a Job.
    }
  }

  /**
   * Runs a container's {@code sh -c} script as the kubelet would, with its environment and volumes
   * resolved, on this machine's tools instead of the image's (Debian's PostgreSQL and MariaDB
   * clients: .ci/install-native-deps). Its termination message is the file it wrote or, after a
   * failure with none, its log's last lines (FallbackToLogsOnError).
   */
  private Optional<Execution> runShell(Job job, Container container, Map<String, Path> volumes) throws IOException {
    String namespace = job.getMetadata().getNamespace();
    Map<String, String> mounts = new LinkedHashMap<>();
    for (VolumeMount m : container.getVolumeMounts()) {
      mounts.put(m.getMountPath(), volumes.get(m.getName()).toString());
    }
    Path result = Files.createTempFile("termination-log", ".txt");
    try {
      ProcessBuilder process = new ProcessBuilder(container.getCommand()).redirectErrorStream(true);
      Map<String, String> env = process.environment();
      env.keySet().retainAll(Set.of("PATH", "LANG"));
      Map<String, Optional<Secret>> secrets = new HashMap<>();
      for (EnvVar var : container.getEnv()) {
        Optional<String> value = resolve(namespace, var, secrets);
        if (value.isEmpty()) {
          logs.put(job.getMetadata().getName(), "CreateContainerConfigError: " + var.getName() + " cannot be resolved");
          return Optional.empty();
        }
        env.put(var.getName(), rewritePaths(value.get(), mounts));
      }
      env.put(BackupJobBuilder.RESULT_ENV, result.toString());
      Process started = process.start();
      String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = started.waitFor();
      logs.put(job.getMetadata().getName(), output);
      String message = Files.readString(result, StandardCharsets.UTF_8);
      if (message.isEmpty() && exit != 0) {
        message = output.length() > 2048 ? output.substring(output.length() - 2048) : output;
      }
      return Optional.of(new Execution(exit, message));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      deleteTree(result);
    }
  }

  /** The directory that stands for a PersistentVolumeClaim: the same one for every Pod that mounts it. */
  public Path claim(String namespace, String claimName) {
    return claims.computeIfAbsent(namespace + "/" + claimName, k -> {
      try {
        return Files.createTempDirectory("claim-" + claimName);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private Path materialize(String namespace, Volume volume) throws IOException {
    if (volume.getPersistentVolumeClaim() != null) {
      return claim(namespace, volume.getPersistentVolumeClaim().getClaimName());
    }
    Path dir = Files.createTempDirectory("volume-" + volume.getName());
    if (volume.getConfigMap() != null) {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
      Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : cm.getData();
      write(dir, data, volume.getConfigMap().getItems());
    } else if (volume.getSecret() != null) {
      Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
      write(dir, secret == null ? Map.of() : secretData(secret), volume.getSecret().getItems());
    }
    return dir;
  }

  private static void write(Path dir, Map<String, String> data, List<KeyToPath> items) throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> e : data.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
      return;
    }
    for (KeyToPath item : items) {
      if (data.containsKey(item.getKey())) {
        Files.writeString(dir.resolve(item.getPath()), data.get(item.getKey()), StandardCharsets.UTF_8);
      }
    }
  }

  /** Like a kubelet, reads each Secret once for all the variables that name it. */
  private Optional<String> resolve(String namespace, EnvVar var, Map<String, Optional<Secret>> secrets) {
    if (var.getValueFrom() == null) {
      return Optional.ofNullable(var.getValue()).or(() -> Optional.of(""));
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      var ref = var.getValueFrom().getSecretKeyRef();
      Optional<Secret> secret = secrets.computeIfAbsent(ref.getName(),
          n -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get()));
      return secret.flatMap(s -> Optional.ofNullable(secretData(s).get(ref.getKey())));
    }
    if (var.getValueFrom().getConfigMapKeyRef() != null) {
      var ref = var.getValueFrom().getConfigMapKeyRef();
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
      return cm == null || cm.getData() == null ? Optional.empty() : Optional.ofNullable(cm.getData().get(ref.getKey()));
    }
    return Optional.empty();
  }

  private static Map<String, String> secretData(Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  private static String rewritePaths(String value, Map<String, String> mounts) {
    StringBuilder out = new StringBuilder();
    for (String part : value.split(":", -1)) {
      String rewritten = part;
      for (Map.Entry<String, String> m : mounts.entrySet()) {
        if (part.equals(m.getKey()) || part.startsWith(m.getKey() + "/")) {
          rewritten = m.getValue() + part.substring(m.getKey().length());
        }
      }
      if (out.length() > 0) {
        out.append(':');
      }
      out.append(rewritten);
    }
    // Only path-like values are colon lists; anything else comes back unchanged.
    return value.startsWith("/") ? out.toString() : value;
  }

  private void createPod(Job job, int exitCode, String message) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    Pod pod = new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-" + "0".repeat(5 - suffix.length()) + suffix)
        .withNamespace(job.getMetadata().getNamespace())
        .addToLabels(job.getSpec().getTemplate().getMetadata() == null ? Map.of() : job.getSpec().getTemplate().getMetadata().getLabels())
        .addToLabels("job-name", job.getMetadata().getName())
        .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .addToLabels("controller-uid", String.valueOf(job.getMetadata().getUid()))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid()).withController(true).build())
        .withCreationTimestamp(now())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withNewStatus()
        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .addNewContainerStatus()
        .withName(job.getSpec().getTemplate().getSpec().getContainers().get(0).getName())
        .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
        .withMessage(message).endTerminated().endState()
        .endContainerStatus()
        .endStatus()
        .build();
    client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
  }

  private void finish(Job job, boolean succeeded, String reason, String message) {
    String now = now();
    JobStatusBuilder status = new JobStatusBuilder().withStartTime(now).withCompletionTime(now);
    if (succeeded) {
      status.withSucceeded(1)
          .addToConditions(new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True").build())
          .addToConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build());
    } else {
      status.withFailed(1)
          .addToConditions(new JobConditionBuilder().withType("FailureTarget").withStatus("True").withReason(reason).build())
          .addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason).withMessage(message).build());
    }
    // Status only: the API server keeps everything else of the Job as stored.
    Job update = new JobBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName())
        .withNamespace(job.getMetadata().getNamespace())
        .withResourceVersion(job.getMetadata().getResourceVersion())
        .endMetadata()
        .withStatus(status.build())
        .build();
    try {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(update).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // The Job was deleted meanwhile: nothing left to report to.
    }
  }

  private static String key(Job job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    informer.close();
    workers.shutdownNow();
    answeredInstantly.clear();
    reported.clear();
    paused.clear();
    logs.clear();
    claims.values().forEach(FakeJobController::deleteTree);
    claims.clear();
  }
}
