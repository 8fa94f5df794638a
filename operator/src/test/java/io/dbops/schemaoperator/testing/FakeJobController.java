package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.dbops.schemaoperator.cli.MigrateCommand;
import io.dbops.schemaoperator.jobenv.JobEnvironment;
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
 * container's environment and volumes from the API server, runs the init containers' commands for
 * real (with their paths mapped to temporary directories: one standing in for the image's
 * filesystem, one for each volume), runs the container's real `migrate` in-process, then records a
 * Pod with its termination message and the Job's outcome. Everything each container printed is
 * kept ({@link #logs()}).
 */
public final class FakeJobController implements AutoCloseable {
  private final KubernetesClient client;
  private final ExecutorService workers;
  private final SharedIndexInformer<Job> informer;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, Path> claims = new ConcurrentHashMap<>();
  private final Map<String, Job> paused = new ConcurrentHashMap<>();
  private final List<JobLog> logs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Map<String, String>> images = new ConcurrentHashMap<>();
  private volatile boolean pausing;
  private final boolean instant;
  private final Map<String, Job> answeredInstantly = new ConcurrentHashMap<>();
  private final Map<String, MigrationResult> reported = new ConcurrentHashMap<>();

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
        if (done.get().failedInitContainer() != null) {
          return answered.getKey() + ": init container " + done.get().failedInitContainer() + " failed";
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

  /**
   * The files of an application image, by absolute path inside it, for the init containers that
   * run it. An init container whose image has no contents here cannot start (as if the image could
   * not be pulled), and its Job stays active.
   */
  public void imageContents(String imageRef, Map<String, String> files) {
    files.keySet().stream().filter(path -> !path.startsWith("/")).findFirst().ifPresent(path -> {
      throw new IllegalArgumentException("paths inside an image are absolute: " + path);
    });
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

  /** What the containers of one Job's Pod printed. @param job namespace/name */
  public record JobLog(String job, String text) {}

  /** Everything every container printed, one entry per Pod run, kept when a later Job reuses the name. */
  public List<JobLog> logs() {
    return List.copyOf(logs);
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
    try (PodRun pod = new PodRun(job)) {
      if (!pod.start()) {
        return;
      }
      if (pod.failedInit != null) {
        createPod(job, new Execution(pod.initExit, null, pod.failedInit));
        finish(job, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        return;
      }
      MigrationResult result = resultOnUntouchedSchema(pod);
      answeredInstantly.put(key(job), job);
      reported.put(key(job), result);
      createPod(job, new Execution(0, ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT), null));
      finish(job, true, null, null);
    } catch (KubernetesClientException e) {
      // The Job or its namespace went away; a kubelet would find nothing to report to.
    }
  }

  /**
   * What `migrate` reports when none of the Job's scripts has run yet: every one applied, in
   * Flyway's order. The scripts are what the Pod's volumes hold once its init containers ran.
   */
  private MigrationResult resultOnUntouchedSchema(PodRun pod) {
    Map<String, String> files = new java.util.TreeMap<>();
    for (Volume volume : pod.spec.getVolumes()) {
      if (volume.getSecret() == null) {
        try (var walk = Files.walk(pod.volumes.get(volume.getName()))) {
          for (Path file : walk.filter(Files::isRegularFile).toList()) {
            files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
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
      createPod(job, done.get());
      finish(job, exit == 0, exit == 0 ? null : "BackoffLimitExceeded", exit == 0 ? null : "Job has reached the specified backoff limit");
    } catch (KubernetesClientException e) {
      // The Job or its namespace went away while it ran; a kubelet would find nothing to report to.
    }
  }

  /**
   * What the Pod did: the exit code and termination message of its migrate container, or of the
   * init container that failed (then migrate never ran and {@code failedInitContainer} names it).
   */
  private record Execution(int exitCode, String terminationMessage, String failedInitContainer) {}

  /** Runs the Job's Pod; empty when a container cannot start (CreateContainerConfigError, an unknown image). */
  private Optional<Execution> execute(Job job) {
    try (PodRun pod = new PodRun(job)) {
      if (!pod.start()) {
        return Optional.empty();
      }
      if (pod.failedInit != null) {
        return Optional.of(new Execution(pod.initExit, null, pod.failedInit));
      }
      return pod.migrate();
    }
  }

  /**
   * One Pod on this pretend node: its volumes as temporary directories, its init containers run,
   * then its migrate container. Closing it cleans up, as a node does after its Pods, and keeps what
   * the containers printed.
   */
  private final class PodRun implements AutoCloseable {
    private final Job job;
    private final String namespace;
    private final io.fabric8.kubernetes.api.model.PodSpec spec;
    private final Map<String, Path> volumes = new HashMap<>();
    private final List<Path> scratch = new java.util.ArrayList<>();
    private final StringBuilder log = new StringBuilder();
    private String failedInit;
    private int initExit;

    PodRun(Job job) {
      this.job = job;
      this.namespace = job.getMetadata().getNamespace();
      this.spec = job.getSpec().getTemplate().getSpec();
    }

    /** Volumes ready and init containers run (one may have failed: {@link #failedInit}); false when the Pod cannot start. */
    boolean start() {
      try {
        for (Volume volume : spec.getVolumes()) {
          volumes.put(volume.getName(), materialize(namespace, volume));
        }
        for (Container init : spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers()) {
          Map<String, String> image = images.get(init.getImage());
          if (image == null) {
            log.append("ErrImagePull: image ").append(init.getImage()).append(" of init container ").append(init.getName())
                .append(" is unknown to the fake Job controller (FakeJobController.imageContents)\n");
            return false;
          }
          int exit = runInit(init, image);
          if (exit != 0) {
            failedInit = init.getName();
            initExit = exit;
            return true;
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Runs an init container's command with the host's shell: its volume mounts become their
     * directories, and environment values that are absolute paths become paths in a directory
     * holding the image's files, standing in for the image's root. (A path to the image's files
     * written literally into the command is not rewritten, so such a command fails here.)
     */
    private int runInit(Container init, Map<String, String> image) throws IOException {
      Path root = Files.createTempDirectory("image-root");
      scratch.add(root);
      for (Map.Entry<String, String> file : image.entrySet()) {
        Path target = root.resolve(file.getKey().substring(1));
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
      Map<String, String> mounts = new LinkedHashMap<>();
      for (VolumeMount m : init.getVolumeMounts() == null ? List.<VolumeMount>of() : init.getVolumeMounts()) {
        mounts.put(m.getMountPath(), volumes.get(m.getName()).toString());
      }
      List<String> command = new java.util.ArrayList<>();
      java.util.stream.Stream.concat(
              init.getCommand() == null ? java.util.stream.Stream.<String>empty() : init.getCommand().stream(),
              init.getArgs() == null ? java.util.stream.Stream.<String>empty() : init.getArgs().stream())
          .forEach(arg -> command.add(mountedPaths(arg, mounts)));
      ProcessBuilder process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
      process.environment().clear();
      process.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
      for (EnvVar var : init.getEnv() == null ? List.<EnvVar>of() : init.getEnv()) {
        if (var.getValueFrom() != null) {
          throw new IllegalStateException("the fake runs init containers with literal environment values only: " + var.getName());
        }
        String value = var.getValue() == null ? "" : var.getValue();
        process.environment().put(var.getName(), value.startsWith("/") ? hostPath(value, mounts, root) : value);
      }
      try {
        Process p = process.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("init container " + init.getName() + " ran longer than 60 s");
        }
        log.append(output);
        return p.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted running init container " + init.getName(), e);
      }
    }

    /** Runs the migrate container in-process; empty when its environment cannot be resolved. */
    Optional<Execution> migrate() {
      Path result = null;
      try {
        Container container = spec.getContainers().get(0);
        if (BackupJobBuilder.CONTAINER.equals(container.getName())) {
          return runShell(container);
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
            log.append("CreateContainerConfigError: ").append(var.getName()).append(" cannot be resolved\n");
            return Optional.empty();
          }
          env.put(var.getName(), rewritePaths(value.get(), mounts));
        }
        result = Files.createTempFile("termination-log", ".json");
        env.put(JobEnvironment.RESULT_FILE, result.toString());
        StringWriter out = new StringWriter();
        int exit = MigrateCommand.run(env, new PrintWriter(out, true), new PrintWriter(out, true));
        log.append(out);
        String message = Files.readString(result, StandardCharsets.UTF_8);
        return Optional.of(new Execution(exit, message.length() > 4096 ? message.substring(0, 4096) : message, null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (result != null) {
          deleteTree(result);
        }
      }
    }

    /**
     * Runs a container's {@code sh -c} script as the kubelet would, with its environment and volumes
     * resolved, on this machine's tools instead of the image's (Debian's PostgreSQL and MariaDB
     * clients: .ci/install-native-deps). Its termination message is the file it wrote or, after a
     * failure with none, its log's last lines (FallbackToLogsOnError).
     */
    private Optional<Execution> runShell(Container container) throws IOException {
      Map<String, String> mounts = new LinkedHashMap<>();
      for (VolumeMount m : container.getVolumeMounts()) {
        mounts.put(m.getMountPath(), volumes.get(m.getName()).toString());
      }
      Path result = Files.createTempFile("termination-log", ".txt");
      scratch.add(result);
      ProcessBuilder process = new ProcessBuilder(container.getCommand()).redirectErrorStream(true);
      Map<String, String> env = process.environment();
      env.keySet().retainAll(Set.of("PATH", "LANG"));
      Map<String, Optional<Secret>> secrets = new HashMap<>();
      for (EnvVar var : container.getEnv()) {
        Optional<String> value = resolve(namespace, var, secrets);
        if (value.isEmpty()) {
          log.append("CreateContainerConfigError: ").append(var.getName()).append(" cannot be resolved\n");
          return Optional.empty();
        }
        env.put(var.getName(), rewritePaths(value.get(), mounts));
      }
      env.put(BackupJobBuilder.RESULT_ENV, result.toString());
      try {
        Process started = process.start();
        String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = started.waitFor();
        log.append(output);
        String message = Files.readString(result, StandardCharsets.UTF_8);
        if (message.isEmpty() && exit != 0) {
          message = output.length() > 2048 ? output.substring(output.length() - 2048) : output;
        }
        return Optional.of(new Execution(exit, message, null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    @Override
    public void close() {
      // A node cleans up after its Pods; a long test run would otherwise fill the temporary directory.
      // Claims outlive their Pods, as persistent volumes do.
      volumes.values().stream().filter(dir -> !claims.containsValue(dir)).forEach(FakeJobController::deleteTree);
      scratch.forEach(FakeJobController::deleteTree);
      if (log.length() > 0) {
        logs.add(new JobLog(key(job), log.toString()));
      }
    }
  }

  /** {@code arg} with each volume's mount path, where it appears as a whole path, replaced by its directory. */
  private static String mountedPaths(String arg, Map<String, String> mounts) {
    String mapped = arg;
    for (Map.Entry<String, String> m : mounts.entrySet()) {
      mapped = mapped.replaceAll(java.util.regex.Pattern.quote(m.getKey()) + "(?=/|\"|'|\\s|$)",
          java.util.regex.Matcher.quoteReplacement(m.getValue()));
    }
    return mapped;
  }

  /** Where an absolute path inside the container is on this machine: in a volume, or in the image's root. */
  private static String hostPath(String path, Map<String, String> mounts, Path imageRoot) {
    for (Map.Entry<String, String> m : mounts.entrySet()) {
      if (path.equals(m.getKey()) || path.startsWith(m.getKey() + "/")) {
        return m.getValue() + path.substring(m.getKey().length());
      }
    }
    return imageRoot.resolve(path.substring(1)).toString();
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
      // Like a kubelet: data and binaryData keys alike become files.
      Map<String, byte[]> files = new LinkedHashMap<>();
      if (cm != null && cm.getData() != null) {
        cm.getData().forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
      }
      if (cm != null && cm.getBinaryData() != null) {
        cm.getBinaryData().forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
      }
      write(dir, files, volume.getConfigMap().getItems());
    } else if (volume.getSecret() != null) {
      Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
      Map<String, byte[]> files = new LinkedHashMap<>();
      (secret == null ? Map.<String, String>of() : secretData(secret))
          .forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
      write(dir, files, volume.getSecret().getItems());
    }
    return dir;
  }

  private static void write(Path dir, Map<String, byte[]> files, List<KeyToPath> items) throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      if (files.containsKey(item.getKey())) {
        Files.write(dir.resolve(item.getPath()), files.get(item.getKey()));
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

  private void createPod(Job job, Execution execution) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    int exitCode = execution.exitCode();
    String migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    var terminated = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
        .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
        .withMessage(execution.terminationMessage()).endTerminated().endState();
    var status = new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed");
    if (execution.failedInitContainer() == null) {
      status.addToContainerStatuses(terminated.withName(migrate).build());
    } else {
      // The init container failed, so migrate never started: it waits, as a kubelet reports it.
      status.addToInitContainerStatuses(terminated.withName(execution.failedInitContainer()).build())
          .addNewContainerStatus().withName(migrate).withNewState().withNewWaiting().withReason("PodInitializing")
          .endWaiting().endState().endContainerStatus();
    }
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
        .withStatus(status.build())
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
    claims.values().forEach(FakeJobController::deleteTree);
    claims.clear();
    answeredInstantly.clear();
    reported.clear();
    paused.clear();
  }
}
