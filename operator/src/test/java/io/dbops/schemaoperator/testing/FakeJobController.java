package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.cli.MigrateCommand;
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
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private final SharedIndexInformer<Job> informer;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, Job> paused = new ConcurrentHashMap<>();
  private final Map<String, String> logs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> images = new ConcurrentHashMap<>();
  private volatile boolean pausing;

  private FakeJobController(KubernetesClient client) {
    this.client = client;
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
    return new FakeJobController(client);
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
    workers.submit(() -> run(job));
  }

  private void run(Job job) {
    try {
      String namespace = job.getMetadata().getNamespace();
      var podSpec = job.getSpec().getTemplate().getSpec();
      Map<String, Path> volumes = new HashMap<>();
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
      Map<String, String> mounts = new LinkedHashMap<>();
      for (VolumeMount m : container.getVolumeMounts()) {
        mounts.put(m.getMountPath(), volumes.get(m.getName()).toString());
      }
      Map<String, String> env = new HashMap<>();
      for (EnvVar var : container.getEnv()) {
        Optional<String> value = resolve(namespace, var);
        if (value.isEmpty()) {
          // CreateContainerConfigError: the Pod never starts and the Job stays active.
          logs.put(job.getMetadata().getName(), "CreateContainerConfigError: " + var.getName() + " cannot be resolved");
          return;
        }
        env.put(var.getName(), rewritePaths(value.get(), mounts));
      }
      Path result = Files.createTempFile("termination-log", ".json");
      env.put(MigrateCommand.RESULT_FILE, result.toString());
      StringWriter out = new StringWriter();
      int exit = MigrateCommand.run(env, new PrintWriter(out, true), new PrintWriter(out, true));
      logs.put(job.getMetadata().getName(), out.toString());
      String message = Files.readString(result, StandardCharsets.UTF_8);
      createPod(job, exit, message.length() > 4096 ? message.substring(0, 4096) : message);
      finish(job, exit == 0, exit == 0 ? null : "BackoffLimitExceeded", exit == 0 ? null : "Job has reached the specified backoff limit");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KubernetesClientException e) {
      // The Job or its namespace went away while it ran; a kubelet would find nothing to report to.
    }
  }

  private Path materialize(String namespace, Volume volume) throws IOException {
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

  private Optional<String> resolve(String namespace, EnvVar var) {
    if (var.getValueFrom() == null) {
      return Optional.ofNullable(var.getValue()).or(() -> Optional.of(""));
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      var ref = var.getValueFrom().getSecretKeyRef();
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
      return secret == null ? Optional.empty() : Optional.ofNullable(secretData(secret).get(ref.getKey()));
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
    Job current = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName()).get();
    if (current == null) {
      return;
    }
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
    current.setStatus(status.build());
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(current).updateStatus();
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
  }
}
