package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.jobenv.MigrateJvm;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationSettings;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.CrdValidator;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.JobSettings;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.model.UrlFrom;
import io.dbops.schemaoperator.testing.RestrictedPodSecurity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One migration run is one Job: the operator's own image running {@code migrate}, configured only
 * through the DBOPS_* environment and mounted files, locked down, labelled and owned by its schema.
 */
class MigrationJobBuilderTest {
  private static final ObjectMapper READER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  // --- the quickstart, end to end

  @Test
  void the_quickstart_gets_a_job_named_for_its_schema_hash_and_attempt_in_its_namespace() {
    DatabaseSchema schema = Fixtures.schema();
    String hash = hash(schema, Fixtures.connection());

    Job job = quickstartJob();

    assertThat(job.getMetadata().getName()).isEqualTo("app-schema-" + hash.substring(0, 6) + "-1");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(ScriptsConfigMapBuilderTest::isTheSchema);
  }

  @Test
  void the_job_and_its_pod_carry_the_schema_labels_plus_hash_operation_and_attempt() {
    DatabaseSchema schema = Fixtures.schema();
    String hash = hash(schema, Fixtures.connection());

    Job job = quickstartJob();

    Map<String, String> expected = new LinkedHashMap<>(Labels.forSchema(schema, "schema-operator-migration"));
    expected.put("dbops.io/desired-hash", hash.substring(0, 63));
    expected.put("dbops.io/operation", "migrate");
    expected.put("dbops.io/attempt", "1");
    assertThat(job.getMetadata().getLabels()).isEqualTo(expected);
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(expected);
    assertThat(Labels.desiredHashOf(job)).as("the whole hash, from the annotation").contains(hash);
  }

  @Test
  void a_failed_run_is_judged_by_the_operator_not_retried_by_the_job_and_leaves_its_pod_for_a_day() {
    Job job = quickstartJob();

    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86400);
    assertThat(pod(job).getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void the_container_is_the_operator_image_running_migrate_and_its_result_is_the_termination_message() {
    Job job = quickstartJob();

    assertThat(pod(job).getContainers()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo("migrate");
      assertThat(c.getImage()).isEqualTo(Fixtures.IMAGE);
      assertThat(c.getCommand()).isEmpty();
      assertThat(c.getArgs()).containsExactly("migrate");
      assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
      assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    });
    assertThat(pod(job).getInitContainers()).as("inline scripts need no copying").isEmpty();
  }

  @Test
  void the_environment_tells_migrate_what_to_do_where_and_with_which_scripts() {
    Job job = quickstartJob();

    assertThat(value(job, "DBOPS_OPERATION")).isEqualTo("migrate");
    assertThat(value(job, "DBOPS_MIGRATIONS")).isEqualTo("/migrations/inline");
    assertThat(value(job, "JAVA_TOOL_OPTIONS"))
        .isEqualTo(String.join(" ", MigrateJvm.options(Path.of("/app/schema-operator.aot"))))
        .contains("-XX:AOTCache=/app/schema-operator.aot");
    assertThat(env(job, "DBOPS_CA_FILE")).as("no CA asked for").isEmpty();
    assertThat(env(job, "DBOPS_RESULT_FILE")).as("migrate's default is the termination message path").isEmpty();

    DatabaseConnectionSpec connection = read(value(job, "DBOPS_CONNECTION"), DatabaseConnectionSpec.class);
    assertThat(connection.getEngine()).isEqualTo(Engine.POSTGRES);
    assertThat(connection.getHost()).isEqualTo("postgres.default.svc");
    assertThat(connection.getDatabase()).isEqualTo("app");
    assertThat(connection.getTls().getMode()).isEqualTo(TlsMode.REQUIRE);
    assertThat(connection.getCredentials().getSecretName()).isEqualTo("app-db");
    assertThat(value(job, "DBOPS_CONNECTION")).as("compact").doesNotContain("\n", ": ");

    MigrationSettings settings = MigrationSettings.from(read(value(job, "DBOPS_SCHEMA"), DatabaseSchemaSpec.class));
    assertThat(settings.schemas()).containsExactly("app");
    assertThat(settings.placeholders()).containsExactly(Map.entry("env", "quickstart"));
    assertThat(settings.target()).isEqualTo("latest");
  }

  @Test
  void the_schema_in_the_environment_leaves_the_inline_sql_to_the_configmap() {
    DatabaseSchema schema = Fixtures.schema();
    // A big script: the env var must not grow with it.
    schema.getSpec().getMigrations().getInline().add(Fixtures.script("V4__seed.sql", "INSERT INTO users (email) VALUES ('x');\n".repeat(5000)));

    Job job = MigrationJobBuilder.build(request(schema, Fixtures.connection(), 1, Operation.migrate));

    String json = value(job, "DBOPS_SCHEMA");
    assertThat(json).doesNotContain("CREATE TABLE", "INSERT INTO", "V1__create_users.sql", "\"inline\"");
    assertThat(json).contains("\"connectionRef\":{\"name\":\"app-db\"}", "\"schemas\":[\"app\"]");
    assertThat(json.length()).isLessThan(300);
    assertThat(read(json, DatabaseSchemaSpec.class).getMigrations().getInline()).isEmpty();
  }

  // --- credentials

  @Test
  void the_login_comes_from_the_secret_by_reference_under_the_keys_the_connection_names() {
    DatabaseConnection connection = Fixtures.connection();
    Credentials credentials = connection.getSpec().getCredentials();
    credentials.setSecretName("orders-login");
    credentials.setUsernameKey("user");
    credentials.setPasswordKey("pass");

    Job job = MigrationJobBuilder.build(request(Fixtures.schema(), connection, 1, Operation.migrate));

    assertSecretRef(env(job, "DBOPS_USERNAME").orElseThrow(), "orders-login", "user");
    assertSecretRef(env(job, "DBOPS_PASSWORD").orElseThrow(), "orders-login", "pass");
    assertThat(env(job, "DBOPS_JDBC_URL")).isEmpty();
  }

  @Test
  void the_quickstart_login_uses_the_default_keys() {
    Job job = quickstartJob();

    assertSecretRef(env(job, "DBOPS_USERNAME").orElseThrow(), "app-db", "username");
    assertSecretRef(env(job, "DBOPS_PASSWORD").orElseThrow(), "app-db", "password");
  }

  @Test
  void a_connection_kept_as_a_jdbc_url_in_a_secret_is_passed_as_that_secret_key_alone() {
    DatabaseConnection connection = urlConnection();

    Job job = MigrationJobBuilder.build(request(Fixtures.schema(), connection, 1, Operation.migrate));

    assertSecretRef(env(job, "DBOPS_JDBC_URL").orElseThrow(), "orders-url", "jdbc");
    assertThat(env(job, "DBOPS_USERNAME")).isEmpty();
    assertThat(env(job, "DBOPS_PASSWORD")).isEmpty();
  }

  // The builder is never handed a Secret's values, so it cannot write them; what it can get wrong is
  // passing a login by value. Leaks at run time are the scenario world's leak scan's to find.
  @Test
  void the_login_and_a_jdbc_url_reach_the_container_only_as_secret_key_references() {
    List<Job> jobs = List.of(quickstartJob(),
        MigrationJobBuilder.build(request(Fixtures.schema(), urlConnection(), 1, Operation.migrate)),
        MigrationJobBuilder.build(request(Fixtures.schema(), urlConnection(), 3, Operation.repair)),
        MigrationJobBuilder.build(request(Fixtures.schemaWithoutInline(), tlsConnection(), 1, Operation.migrate)));
    for (Job job : jobs) {
      assertThat(pod(job).getContainers().get(0).getEnv())
          .filteredOn(e -> List.of("DBOPS_USERNAME", "DBOPS_PASSWORD", "DBOPS_JDBC_URL").contains(e.getName()))
          .as("the login of %s", job.getMetadata().getName())
          .isNotEmpty()
          .allSatisfy(e -> {
            assertThat(e.getValue()).as(e.getName() + " holds no literal").isNull();
            assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName() + " comes from a Secret").isNotNull();
          });
    }
  }

  // --- TLS

  @Test
  void a_ca_certificate_is_mounted_read_only_from_its_secret_key_as_ca_crt() {
    Job job = MigrationJobBuilder.build(request(Fixtures.schema(), tlsConnection(), 1, Operation.migrate));

    Volume ca = volume(job, "tls-ca");
    assertThat(ca.getSecret().getSecretName()).isEqualTo("db-ca");
    assertThat(ca.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("root.pem");
      assertThat(item.getPath()).isEqualTo("ca.crt");
    });
    VolumeMount mount = mount(pod(job).getContainers().get(0), "tls-ca");
    assertThat(mount.getMountPath()).isEqualTo("/etc/dbops/tls");
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(value(job, "DBOPS_CA_FILE")).isEqualTo("/etc/dbops/tls/ca.crt");
  }

  // --- migration sources

  @Test
  void every_source_is_its_own_read_only_directory_and_migrate_is_told_them_all() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getSpec().getMigrations().setConfigMapRefs(new ArrayList<>(List.of(new ConfigMapRef("app-migrations"), new ConfigMapRef("hotfixes"))));
    schema.getSpec().getMigrations().setImage(Fixtures.schemaWithoutInline().getSpec().getMigrations().getImage());
    String scripts = ScriptsConfigMapBuilder.build(schema).orElseThrow().getMetadata().getName();

    Job job = MigrationJobBuilder.build(new JobRequest(schema, Fixtures.connection(), hash(schema, Fixtures.connection()), 1,
        Operation.migrate, Fixtures.IMAGE, Optional.of(scripts)));

    assertThat(value(job, "DBOPS_MIGRATIONS"))
        .isEqualTo("/migrations/inline:/migrations/configmap-0:/migrations/configmap-1:/migrations/image");
    Container migrate = pod(job).getContainers().get(0);
    assertThat(volume(job, mount(migrate, "/migrations/inline").getName()).getConfigMap().getName()).isEqualTo(scripts);
    assertThat(volume(job, mount(migrate, "/migrations/configmap-0").getName()).getConfigMap().getName()).isEqualTo("app-migrations");
    assertThat(volume(job, mount(migrate, "/migrations/configmap-1").getName()).getConfigMap().getName()).isEqualTo("hotfixes");
    assertThat(mount(migrate, "/migrations/image").getName()).isEqualTo("image-migrations");
    assertThat(migrate.getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/migrations/"))
        .hasSize(4).allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
  }

  @Test
  void scripts_in_an_application_image_are_copied_into_an_empty_dir_by_an_init_container() {
    Job job = MigrationJobBuilder.build(request(Fixtures.schemaWithoutInline(), Fixtures.connection(), 1, Operation.migrate));

    assertThat(volume(job, "image-migrations").getEmptyDir()).isNotNull();
    assertThat(pod(job).getInitContainers()).singleElement().satisfies(init -> {
      assertThat(init.getName()).isEqualTo("copy-migrations");
      assertThat(init.getImage()).isEqualTo("ghcr.io/acme/app:1.4.2");
      assertThat(init.getCommand()).containsExactly("sh", "-c", "cp -R \"$SOURCE\"/. /migrations/image/");
      assertThat(init.getEnv()).singleElement().satisfies(e -> {
        assertThat(e.getName()).isEqualTo("SOURCE");
        assertThat(e.getValue()).isEqualTo("/app/db/migration");
      });
      VolumeMount target = mount(init, "image-migrations");
      assertThat(target.getMountPath()).isEqualTo("/migrations/image");
      assertThat(target.getReadOnly()).as("the copy writes here").isFalse();
    });
    assertThat(value(job, "DBOPS_MIGRATIONS")).isEqualTo("/migrations/configmap-0:/migrations/image");
    assertThat(volumes(job)).noneMatch(v -> v.getName().equals("inline-migrations"));
  }

  @Test
  void an_image_source_without_a_path_is_copied_from_flyways_default_location() {
    DatabaseSchema schema = Fixtures.schemaWithoutInline();
    schema.getSpec().getMigrations().getImage().setPath(null);

    Job job = MigrationJobBuilder.build(request(schema, Fixtures.connection(), 1, Operation.migrate));

    assertThat(pod(job).getInitContainers().get(0).getEnv().get(0).getValue()).isEqualTo("/db/migration");
  }

  @Test
  void a_schema_with_inline_scripts_but_no_scripts_configmap_is_refused_instead_of_running_without_them() {
    DatabaseSchema schema = Fixtures.schema();

    assertThatThrownBy(() -> MigrationJobBuilder.build(new JobRequest(schema, Fixtures.connection(), hash(schema, Fixtures.connection()), 1,
        Operation.migrate, Fixtures.IMAGE, Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inline");
  }

  // --- spec.job

  @Test
  void the_job_settings_place_and_size_the_pod_and_pod_labels_never_override_ours() {
    DatabaseSchema schema = Fixtures.schema();
    JobSettings settings = new JobSettings();
    settings.setServiceAccountName("migrator");
    settings.setActiveDeadlineSeconds(600L);
    settings.setNodeSelector(Map.of("pool", "batch"));
    Toleration toleration = new TolerationBuilder().withKey("batch").withOperator("Exists").withEffect("NoSchedule").build();
    settings.setTolerations(List.of(toleration));
    settings.setResources(new ResourceRequirementsBuilder()
        .addToRequests("memory", new Quantity("256Mi")).addToLimits("memory", new Quantity("512Mi")).build());
    settings.setPodLabels(Map.of("team", "orders", "dbops.io/schema", "someone-else", "app.kubernetes.io/name", "mine"));
    schema.getSpec().setJob(settings);
    schema.getSpec().getMigrations().setImage(Fixtures.schemaWithoutInline().getSpec().getMigrations().getImage());

    Job job = MigrationJobBuilder.build(request(schema, Fixtures.connection(), 1, Operation.migrate));

    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    PodSpec pod = pod(job);
    assertThat(pod.getServiceAccountName()).isEqualTo("migrator");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "batch"));
    assertThat(pod.getTolerations()).containsExactly(toleration);
    assertThat(pod.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(pod.getInitContainers().get(0).getResources()).isEqualTo(settings.getResources());
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "orders")
        .containsEntry("dbops.io/schema", "app-schema")
        .containsEntry("app.kubernetes.io/name", "schema-operator-migration");
    assertThat(job.getMetadata().getLabels()).doesNotContainKey("team");
  }

  @Test
  void a_spec_whose_environment_string_no_container_could_be_given_is_refused_naming_what_to_shorten() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getSpec().setPlaceholders(Map.of("big", "x".repeat(MigrationJobBuilder.MAX_ENV_STRING_BYTES)));

    assertThatThrownBy(() -> MigrationJobBuilder.build(request(schema, Fixtures.connection(), 1, Operation.migrate)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable DBOPS_SCHEMA")
        .hasMessageContaining("shorten spec.placeholders");

    schema.getSpec().setPlaceholders(Map.of("big", "x".repeat(MigrationJobBuilder.MAX_ENV_STRING_BYTES / 2)));
    assertThat(MigrationJobBuilder.build(request(schema, Fixtures.connection(), 1, Operation.migrate))).isNotNull();
  }

  @Test
  void every_label_the_operator_or_the_job_controller_puts_on_the_pod_is_refused_in_pod_labels_by_the_crd() {
    // Silently overwritten by the builder above, so refused at admission: a tenant sees the label will not be theirs.
    Job job = MigrationJobBuilder.build(request(Fixtures.schema(), Fixtures.connection(), 1, Operation.migrate));
    List<String> keys = new ArrayList<>(job.getSpec().getTemplate().getMetadata().getLabels().keySet());
    keys.addAll(List.of("job-name", "controller-uid", "batch.kubernetes.io/job-name", "batch.kubernetes.io/controller-uid"));
    CrdValidator crds = CrdValidator.forProject();

    for (String key : keys) {
      DatabaseSchema schema = Fixtures.schema();
      JobSettings settings = new JobSettings();
      settings.setPodLabels(Map.of(key, "x"));
      schema.getSpec().setJob(settings);
      assertThat(crds.validate(schema)).as("podLabels {%s: x}", key)
          .anySatisfy(violation -> assertThat(violation).contains("podLabels may not set"));
    }
  }

  // --- security

  @Test
  void the_pod_runs_as_a_non_root_user_with_the_default_seccomp_profile_and_no_api_token() {
    PodSpec pod = pod(MigrationJobBuilder.build(request(Fixtures.schemaWithoutInline(), Fixtures.connection(), 1, Operation.migrate)));

    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void every_container_has_a_read_only_root_no_escalation_and_no_capabilities_with_a_writable_tmp() {
    PodSpec pod = pod(MigrationJobBuilder.build(request(Fixtures.schemaWithoutInline(), tlsConnection(), 1, Operation.migrate)));

    assertThat(RestrictedPodSecurity.violations(pod)).as("with an init container too").isEmpty();
    List<Container> all = Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    assertThat(all).hasSize(2).allSatisfy(c -> {
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getPrivileged()).isNull();
    });
    VolumeMount tmp = mount(pod.getContainers().get(0), "/tmp");
    assertThat(tmp.getReadOnly()).isFalse();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(tmp.getName())).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void every_name_and_label_is_one_the_api_server_accepts_and_every_mount_has_its_volume() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getMetadata().setName("orders.eu-west-1." + "s".repeat(200));
    schema.getSpec().getMigrations().setConfigMapRefs(new ArrayList<>(List.of(new ConfigMapRef("a"), new ConfigMapRef("b"))));
    schema.getSpec().getMigrations().setImage(Fixtures.schemaWithoutInline().getSpec().getMigrations().getImage());
    schema.getSpec().getConnectionRef().setName("c".repeat(253));
    ConfigMap scripts = ScriptsConfigMapBuilder.build(schema).orElseThrow();

    Job job = MigrationJobBuilder.build(new JobRequest(schema, tlsConnection(), hash(schema, tlsConnection()), 12,
        Operation.repair, Fixtures.IMAGE, Optional.of(scripts.getMetadata().getName())));

    assertThat(job.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).matches(KubeNames.DNS_LABEL);
    assertThat(scripts.getMetadata().getName()).hasSizeLessThanOrEqualTo(253).matches(KubeNames.DNS_SUBDOMAIN);
    for (Map<String, String> labels : List.of(job.getMetadata().getLabels(), job.getSpec().getTemplate().getMetadata().getLabels(),
        scripts.getMetadata().getLabels())) {
      assertThat(labels.values()).allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(KubeNames.LABEL_VALUE));
    }
    PodSpec pod = pod(job);
    List<String> volumeNames = pod.getVolumes().stream().map(Volume::getName).toList();
    assertThat(volumeNames).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).matches(KubeNames.DNS_LABEL));
    Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
        .flatMap(c -> c.getVolumeMounts().stream())
        .forEach(m -> assertThat(volumeNames).contains(m.getName()));
  }

  // --- names

  @Test
  void a_repair_job_says_so_in_its_name_and_labels() {
    DatabaseSchema schema = Fixtures.schema();
    String hash = hash(schema, Fixtures.connection());

    Job job = MigrationJobBuilder.build(request(schema, Fixtures.connection(), 2, Operation.repair));

    assertThat(job.getMetadata().getName()).isEqualTo("app-schema-" + hash.substring(0, 6) + "-repair-2");
    assertThat(job.getMetadata().getLabels()).containsEntry("dbops.io/operation", "repair").containsEntry("dbops.io/attempt", "2");
    assertThat(value(job, "DBOPS_OPERATION")).isEqualTo("repair");
  }

  @Test
  void a_sixty_character_schema_name_is_shortened_to_a_valid_job_name_that_keeps_hash_and_attempt() {
    String hash = "9f2c1a" + "0".repeat(58);
    DatabaseSchema schema = Fixtures.schema();
    schema.getMetadata().setName("orders-service-production-eu-west-1-primary-schema-abcdefghi");
    assertThat(schema.getMetadata().getName()).hasSize(60);

    String migrate = MigrationJobBuilder.jobName(schema, hash, 1, Operation.migrate);
    String repair = MigrationJobBuilder.jobName(schema, hash, 1, Operation.repair);

    assertThat(migrate).hasSizeLessThanOrEqualTo(63).matches(KubeNames.DNS_LABEL).startsWith("orders-service-production").endsWith("-9f2c1a-1");
    assertThat(repair).hasSizeLessThanOrEqualTo(63).matches(KubeNames.DNS_LABEL).endsWith("-9f2c1a-repair-1");
    assertThat(MigrationJobBuilder.jobName(schema, hash, 1, Operation.migrate)).as("deterministic").isEqualTo(migrate);
  }

  @Test
  void two_long_schema_names_that_differ_only_at_the_end_never_share_a_job_name() {
    String hash = "9f2c1a" + "0".repeat(58);
    DatabaseSchema first = Fixtures.schema();
    first.getMetadata().setName("orders-service-production-eu-west-1-primary-schema-abcdefgh1");
    DatabaseSchema second = Fixtures.schema();
    second.getMetadata().setName("orders-service-production-eu-west-1-primary-schema-abcdefgh2");

    assertThat(MigrationJobBuilder.jobName(first, hash, 1, Operation.migrate))
        .isNotEqualTo(MigrationJobBuilder.jobName(second, hash, 1, Operation.migrate));
  }

  @Test
  void a_schema_name_with_dots_becomes_a_valid_label_and_stays_apart_from_its_dashed_twin() {
    String hash = "9f2c1a" + "0".repeat(58);
    DatabaseSchema dotted = Fixtures.schema();
    dotted.getMetadata().setName("orders.v2");
    DatabaseSchema dashed = Fixtures.schema();
    dashed.getMetadata().setName("orders-v2");

    String a = MigrationJobBuilder.jobName(dotted, hash, 1, Operation.migrate);
    String b = MigrationJobBuilder.jobName(dashed, hash, 1, Operation.migrate);

    assertThat(a).matches(KubeNames.DNS_LABEL).startsWith("orders-v2-").isNotEqualTo(b);
    assertThat(b).isEqualTo("orders-v2-9f2c1a-1");
  }

  @Test
  void a_hash_that_is_not_one_is_refused_before_the_api_server_sees_it() {
    DatabaseSchema schema = Fixtures.schema();
    assertThatThrownBy(() -> new JobRequest(schema, Fixtures.connection(), "NOT-A-HASH", 1, Operation.migrate, Fixtures.IMAGE, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("desiredHash");
  }

  // --- helpers

  private static Job quickstartJob() {
    return MigrationJobBuilder.build(request(Fixtures.schema(), Fixtures.connection(), 1, Operation.migrate));
  }

  private static JobRequest request(DatabaseSchema schema, DatabaseConnection connection, int attempt, Operation operation) {
    Optional<String> scripts = ScriptsConfigMapBuilder.build(schema).map(cm -> cm.getMetadata().getName());
    return new JobRequest(schema, connection, hash(schema, connection), attempt, operation, Fixtures.IMAGE, scripts);
  }

  private static String hash(DatabaseSchema schema, DatabaseConnection connection) {
    return DesiredHash.of(schema, connection, Map.of("app-migrations", Map.of("V10__x.sql", "SELECT 1;")));
  }

  private static DatabaseConnection urlConnection() {
    DatabaseConnection connection = Fixtures.connection();
    connection.getSpec().setHost(null);
    connection.getSpec().setDatabase(null);
    connection.getSpec().setCredentials(null);
    UrlFrom urlFrom = new UrlFrom();
    urlFrom.setSecretKeyRef(new SecretKeyRef("orders-url", "jdbc"));
    connection.getSpec().setUrlFrom(urlFrom);
    return connection;
  }

  private static DatabaseConnection tlsConnection() {
    DatabaseConnection connection = Fixtures.connection();
    Tls tls = new Tls();
    tls.setMode(TlsMode.VERIFY_FULL);
    tls.setCaSecretRef(new SecretKeyRef("db-ca", "root.pem"));
    connection.getSpec().setTls(tls);
    return connection;
  }

  private static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  private static List<Volume> volumes(Job job) {
    return pod(job).getVolumes();
  }

  private static Volume volume(Job job, String name) {
    return volumes(job).stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name + " in " + volumes(job)));
  }

  /** The mount with this volume name or mount path. */
  private static VolumeMount mount(Container container, String nameOrPath) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(nameOrPath) || m.getMountPath().equals(nameOrPath)).findFirst()
        .orElseThrow(() -> new AssertionError("no mount " + nameOrPath + " in " + container.getVolumeMounts()));
  }

  private static Optional<EnvVar> env(Job job, String name) {
    return pod(job).getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static String value(Job job, String name) {
    EnvVar var = env(job, name).orElseThrow(() -> new AssertionError("no env " + name));
    assertThat(var.getValueFrom()).as(name + " is a plain value").isNull();
    return var.getValue();
  }

  private static void assertSecretRef(EnvVar var, String secret, String key) {
    assertThat(var.getValue()).as(var.getName() + " holds no literal").isNull();
    assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret);
    assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(key);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return READER.readValue(json, type);
    } catch (Exception e) {
      throw new AssertionError("not valid JSON for " + type.getSimpleName() + ": " + json, e);
    }
  }
}
