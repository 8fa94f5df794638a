package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.jobenv.JobEnvironment;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbops.schemaoperator.jobenv.EnvironmentLogin;
import io.dbops.schemaoperator.jobenv.MigrateJvm;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.ConnectionSecretRefs;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.ImageSource;
import io.dbops.schemaoperator.model.JobSettings;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Job that runs one migration operation for a DatabaseSchema. */
public final class MigrationJobBuilder {
  public static final String CONTAINER = "migrate";
  public static final String MIGRATIONS_ROOT = "/migrations";
  public static final int TTL_SECONDS_AFTER_FINISHED = 86400;

  public static final String INIT_CONTAINER = "copy-migrations";
  public static final String INLINE_DIR = MIGRATIONS_ROOT + "/inline";
  public static final String CONFIGMAP_DIR_PREFIX = MIGRATIONS_ROOT + "/configmap-";
  public static final String IMAGE_DIR = MIGRATIONS_ROOT + "/image";
  public static final String TLS_DIR = "/etc/dbops/tls";
  public static final String CA_FILE = TLS_DIR + "/ca.crt";
  public static final String AOT_CACHE = "/app/schema-operator.aot";
  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  /**
   * The user, group and fsGroup the Pod runs as: the "nonroot" user of distroless images. Set
   * explicitly because runAsNonRoot alone makes the kubelet refuse any image whose USER is root or
   * a name, which is common for the application images the init container copies from.
   */
  public static final long RUN_AS = 65532L;

  static final String INLINE_VOLUME = "inline-migrations";
  static final String CONFIGMAP_VOLUME_PREFIX = "configmap-";
  static final String IMAGE_VOLUME = "image-migrations";
  static final String TLS_VOLUME = "tls-ca";
  static final String TMP_VOLUME = "tmp";
  static final String COPY_SCRIPT = "cp -R \"$SOURCE\"/. " + IMAGE_DIR + "/";
  /**
   * The most Linux passes a new process in one environment string, "NAME=value" and its NUL
   * (MAX_ARG_STRLEN, 32 pages): past it the container cannot even start ("argument list too long").
   */
  static final int MAX_ENV_STRING_BYTES = 32 * 4096;

  private static final ObjectMapper SPECS =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private MigrationJobBuilder() {}

  /**
   * name: "<schema>-<desiredHash[0:6]>-<attempt>" for migrate, "<schema>-<desiredHash[0:6]>-repair-<attempt>"
   * for repair (and likewise for the other operations); the schema part shortened so the whole name is
   * at most 63 chars and a valid DNS label. A shortened schema part, or one whose dots had to become
   * dashes, ends in a few characters of the schema name's hash so two such schemas never share a Job name.
   */
  public static String jobName(DatabaseSchema schema, String desiredHash, int attempt, MigrationResult.Operation operation) {
    String suffix = "-" + desiredHash.substring(0, 6)
        + (operation == MigrationResult.Operation.migrate ? "" : "-" + operation.name())
        + "-" + attempt;
    return KubeNames.labelPrefix(schema.getMetadata().getName(), KubeNames.MAX_LABEL - suffix.length()) + suffix;
  }

  public static Job build(JobRequest request) {
    DatabaseSchema schema = request.schema();
    DatabaseSchemaSpec spec = schema.getSpec();
    Migrations migrations = spec.getMigrations() == null ? new Migrations() : spec.getMigrations();
    JobSettings settings = spec.getJob() == null ? new JobSettings() : spec.getJob();
    if (!migrations.getInline().isEmpty() && request.scriptsConfigMap().isEmpty()) {
      // Without this the Job would run and report success having silently skipped the inline scripts.
      throw new IllegalArgumentException("schema " + schema.getMetadata().getName()
          + " has inline scripts: pass the name of its scripts ConfigMap (ScriptsConfigMapBuilder) in the JobRequest");
    }

    Map<String, String> labels = Labels.forSchema(schema, Labels.MIGRATION_APP);
    labels.put(Labels.DESIRED_HASH, Labels.hashLabelValue(request.desiredHash()));
    labels.put(Labels.OPERATION, request.operation().name());
    labels.put(Labels.ATTEMPT, Integer.toString(request.attempt()));
    Map<String, String> podLabels = new LinkedHashMap<>();
    if (settings.getPodLabels() != null) {
      podLabels.putAll(settings.getPodLabels());
    }
    // Ours go last and win: the operator finds its Pods by them.
    podLabels.putAll(labels);

    Sources sources = sources(request, migrations);
    List<Volume> volumes = new ArrayList<>(sources.volumes);
    List<VolumeMount> mounts = new ArrayList<>(sources.mounts);
    List<EnvVar> env = new ArrayList<>();
    env.add(env(JobEnvironment.OPERATION, request.operation().name()));
    env.add(env(JobEnvironment.CONNECTION, json(request.connection().getSpec())));
    env.add(env(JobEnvironment.SCHEMA, schemaJson(spec)));
    env.add(env(JobEnvironment.MIGRATIONS, String.join(":", sources.directories)));
    ConnectionSecretRefs secrets = ConnectionSecretRefs.of(request.connection().getSpec());
    env.addAll(login(secrets));
    secrets.ca().ifPresent(ca -> {
      volumes.add(new VolumeBuilder().withName(TLS_VOLUME)
          .withNewSecret().withSecretName(ca.getName()).addNewItem().withKey(ca.getKey()).withPath("ca.crt").endItem().endSecret()
          .build());
      mounts.add(mount(TLS_VOLUME, TLS_DIR, true));
      env.add(env(JobEnvironment.CA_FILE, CA_FILE));
    });
    env.add(env(JobEnvironment.JVM_OPTIONS, String.join(" ", MigrateJvm.options(Path.of(AOT_CACHE)))));
    checkEnvironmentFits(env);
    // The root filesystem is read-only; the engine stages scripts and trust stores in /tmp.
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    mounts.add(mount(TMP_VOLUME, "/tmp", false));

    Container migrate = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(request.operatorImage())
        .withArgs("migrate")
        .withEnv(env)
        .withVolumeMounts(mounts)
        .withResources(settings.getResources())
        .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
        // File, not FallbackToLogsOnError: the operator parses the message as the result JSON, and log
        // lines in its place would read as a garbled result instead of a missing one.
        .withTerminationMessagePolicy("File")
        .withSecurityContext(containerSecurity())
        .build();

    return new JobBuilder()
        .withNewMetadata()
            .withName(jobName(schema, request.desiredHash(), request.attempt(), request.operation()))
            .withNamespace(schema.getMetadata().getNamespace())
            .withLabels(labels)
            .addToAnnotations(Labels.DESIRED_HASH, request.desiredHash())
            .withOwnerReferences(Owners.controlledBy(schema))
        .endMetadata()
        .withNewSpec()
            // A failed migration is judged by the operator (permanent or transient), never retried blindly by the Job.
            .withBackoffLimit(0)
            .withActiveDeadlineSeconds(SchemaDefaults.activeDeadlineSeconds(spec))
            .withTtlSecondsAfterFinished(TTL_SECONDS_AFTER_FINISHED)
            .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withServiceAccountName(settings.getServiceAccountName())
                    // The container never talks to the API server; a token would only be something to steal.
                    .withAutomountServiceAccountToken(false)
                    .withNodeSelector(settings.getNodeSelector() == null || settings.getNodeSelector().isEmpty()
                        ? null : new LinkedHashMap<>(settings.getNodeSelector()))
                    .withTolerations(settings.getTolerations() == null || settings.getTolerations().isEmpty()
                        ? null : new ArrayList<>(settings.getTolerations()))
                    .withSecurityContext(podSecurity())
                    .withInitContainers(sources.initContainers)
                    .withContainers(migrate)
                    .withVolumes(volumes)
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
  }

  private record Sources(List<String> directories, List<Volume> volumes, List<VolumeMount> mounts, List<Container> initContainers) {}

  private static Sources sources(JobRequest request, Migrations migrations) {
    List<String> dirs = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    List<Container> inits = new ArrayList<>();
    request.scriptsConfigMap().ifPresent(name -> {
      volumes.add(configMapVolume(INLINE_VOLUME, name));
      mounts.add(mount(INLINE_VOLUME, INLINE_DIR, true));
      dirs.add(INLINE_DIR);
    });
    List<ConfigMapRef> refs = migrations.getConfigMapRefs() == null ? List.of() : migrations.getConfigMapRefs();
    for (int i = 0; i < refs.size(); i++) {
      String volume = CONFIGMAP_VOLUME_PREFIX + i;
      volumes.add(configMapVolume(volume, refs.get(i).getName()));
      mounts.add(mount(volume, CONFIGMAP_DIR_PREFIX + i, true));
      dirs.add(CONFIGMAP_DIR_PREFIX + i);
    }
    ImageSource image = migrations.getImage();
    if (image != null) {
      volumes.add(new VolumeBuilder().withName(IMAGE_VOLUME).withNewEmptyDir().endEmptyDir().build());
      mounts.add(mount(IMAGE_VOLUME, IMAGE_DIR, true));
      dirs.add(IMAGE_DIR);
      inits.add(new ContainerBuilder()
          .withName(INIT_CONTAINER)
          .withImage(image.getRef())
          .withCommand("sh", "-c", COPY_SCRIPT)
          // The path travels as data, never spliced into the script, so no path can inject shell.
          .withEnv(env("SOURCE", SchemaDefaults.imagePath(image)))
          .withVolumeMounts(mount(IMAGE_VOLUME, IMAGE_DIR, false))
          // Same as the main container, so that a namespace's LimitRange or quota admits the Pod either way.
          .withResources(request.schema().getSpec().getJob() == null ? null : request.schema().getSpec().getJob().getResources())
          .withSecurityContext(containerSecurity())
          .build());
    }
    return new Sources(dirs, volumes, mounts, inits);
  }

  /**
   * Refuses a Job whose container could never start because one of its environment strings is too
   * long; the spec fields that fill each one are named, so the message says what to shorten.
   */
  private static void checkEnvironmentFits(List<EnvVar> env) {
    for (EnvVar variable : env) {
      if (variable.getValue() == null) {
        continue;
      }
      long bytes = (variable.getName() + "=" + variable.getValue()).getBytes(StandardCharsets.UTF_8).length + 1L;
      if (bytes > MAX_ENV_STRING_BYTES) {
        String source = switch (variable.getName()) {
          case JobEnvironment.SCHEMA -> "the DatabaseSchema's spec without its inline scripts: shorten spec.placeholders"
              + " (long values belong in the scripts) or spec.job";
          case JobEnvironment.CONNECTION -> "the DatabaseConnection's spec: shorten spec.parameters";
          default -> "the spec";
        };
        throw new IllegalArgumentException("the migration Job would give its container " + bytes + " bytes in environment"
            + " variable " + variable.getName() + ", more than the " + MAX_ENV_STRING_BYTES + " a process can be given in one;"
            + " it carries " + source);
      }
    }
  }

  private static List<EnvVar> login(ConnectionSecretRefs secrets) {
    List<EnvVar> env = new ArrayList<>();
    secrets.url().ifPresent(url -> env.add(secretEnv(EnvironmentLogin.JDBC_URL, url)));
    secrets.username().ifPresent(username -> env.add(secretEnv(EnvironmentLogin.USERNAME, username)));
    secrets.password().ifPresent(password -> env.add(secretEnv(EnvironmentLogin.PASSWORD, password)));
    return env;
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretEnv(String name, SecretKeyRef ref) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewSecretKeyRef().withName(ref.getName()).withKey(ref.getKey()).endSecretKeyRef().endValueFrom()
        .build();
  }

  private static Volume configMapVolume(String volume, String configMap) {
    return new VolumeBuilder().withName(volume).withNewConfigMap().withName(configMap).endConfigMap().build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
  }

  private static PodSecurityContext podSecurity() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        .withRunAsGroup(RUN_AS)
        .withFsGroup(RUN_AS)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }

  /**
   * The schema spec without the inline scripts' content: they reach the container through the
   * ConfigMap, and an environment variable holding them would grow the Pod spec with every script.
   */
  static String schemaJson(DatabaseSchemaSpec spec) {
    ObjectNode tree = SPECS.valueToTree(spec);
    if (tree.get("migrations") instanceof ObjectNode m) {
      m.remove("inline");
    }
    return json(tree);
  }

  private static String json(Object value) {
    try {
      return SPECS.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a resource spec that came from the API server always serializes", e);
    }
  }
}
