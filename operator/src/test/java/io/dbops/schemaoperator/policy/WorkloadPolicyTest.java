package io.dbops.schemaoperator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.policy.WorkloadPolicy.Refusal;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which images and ServiceAccounts a resource may put into a Pod, from the operator's settings. */
class WorkloadPolicyTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void by_default_an_instance_runs_the_official_engine_images_only() {
    WorkloadPolicy policy = WorkloadPolicy.defaults();

    for (String allowed : new String[] {"postgres:16", "docker.io/library/postgres:17-alpine", "mariadb:11.4",
        "mcr.microsoft.com/mssql/server:2022-latest"}) {
      assertThat(policy.checkInstance(instance(allowed))).as(allowed).isEmpty();
    }
    Refusal refusal = policy.checkInstance(instance("evil/postgres:16")).orElseThrow();
    assertThat(refusal.reason()).isEqualTo("ImageNotAllowed");
    assertThat(refusal.message()).isEqualTo("spec.instance.image \"evil/postgres:16\" (docker.io/evil/postgres:16) is not allowed by"
        + " this operator (allowed: postgres, mariadb, mcr.microsoft.com/mssql/server): use an image that matches one of these,"
        + " or ask the operator's administrators to allow it (setting ALLOWED_INSTANCE_IMAGES, chart value allowedImages.instance)");
  }

  @Test
  void by_default_no_migration_image_is_allowed_and_jobs_run_as_the_namespaces_default_account_only() {
    WorkloadPolicy policy = WorkloadPolicy.defaults();

    assertThat(policy.checkMigrationJob(schema("team-a", null, null))).isEmpty();
    assertThat(policy.checkMigrationJob(schema("team-a", null, "default"))).isEmpty();
    Refusal image = policy.checkMigrationJob(schema("team-a", "ghcr.io/acme/app:1", null)).orElseThrow();
    assertThat(image.reason()).isEqualTo("ImageNotAllowed");
    assertThat(image.message()).contains("spec.migrations.image.ref \"ghcr.io/acme/app:1\"", "allows no such images",
        "ALLOWED_MIGRATION_IMAGES", "allowedImages.migration");
    Refusal account = policy.checkMigrationJob(schema("team-a", null, "cluster-admin-bot")).orElseThrow();
    assertThat(account.reason()).isEqualTo("ServiceAccountNotAllowed");
    assertThat(account.message()).contains("spec.job.serviceAccountName \"cluster-admin-bot\"", "(allowed: default)",
        "ALLOWED_JOB_SERVICE_ACCOUNTS", "allowedJobServiceAccounts");
  }

  @Test
  void by_default_a_backup_runs_the_official_engine_images_only_and_an_unset_image_is_the_operators_own_choice() {
    WorkloadPolicy policy = WorkloadPolicy.defaults();

    for (String allowed : new String[] {"postgres:16", "mariadb:11.4", "mysql:8.0", "mcr.microsoft.com/mssql/server:2022-latest"}) {
      assertThat(policy.checkBackupJob(backup(allowed))).as(allowed).isEmpty();
    }
    Refusal refusal = policy.checkBackupJob(backup("ghcr.io/evil/dump:1")).orElseThrow();
    assertThat(refusal.reason()).isEqualTo("ImageNotAllowed");
    assertThat(refusal.message()).contains("spec.backup.image \"ghcr.io/evil/dump:1\"",
        "(allowed: postgres, mariadb, mysql, mcr.microsoft.com/mssql/server)", "ALLOWED_BACKUP_IMAGES", "allowedImages.backup");
    assertThat(policy.checkMigrationJob(backup("ghcr.io/evil/dump:1"))).as("a drop Job runs no backup").isEmpty();
    assertThat(policy.checkBackupJob(backup(null))).as("unset: the official engine image, not checked").isEmpty();
    assertThat(policy.checkBackupJob(backup(""))).as("empty is unset to the Job builder too").isEmpty();
    assertThat(policy.checkBackupJob(schema("team-a", null, null))).as("no spec.backup").isEmpty();
    DatabaseSchema off = backup("ghcr.io/evil/dump:1");
    off.getSpec().getBackup().setBeforeMigrate(false);
    assertThat(policy.checkBackupJob(off)).as("backups off: no backup Job runs, whatever it names").isEmpty();
  }

  @Test
  void an_empty_backup_setting_allows_no_backup_image_but_the_operators_own() {
    WorkloadPolicy policy = WorkloadPolicy.from(Map.of("ALLOWED_BACKUP_IMAGES", ""));

    assertThat(policy.checkBackupJob(backup("postgres:16")).orElseThrow().message())
        .contains("spec.backup.image \"postgres:16\"", "allows no such images", "ALLOWED_BACKUP_IMAGES");
    assertThat(policy.checkBackupJob(backup(null))).isEmpty();
    assertThat(policy.checkInstance(instance("postgres:16"))).as("instance images keep their default").isEmpty();
  }

  @Test
  void settings_name_the_images_and_accounts_and_a_namespace_can_be_given_its_own_account() {
    WorkloadPolicy policy = WorkloadPolicy.from(Map.of(
        "ALLOWED_MIGRATION_IMAGES", "ghcr.io/acme/**, registry.internal:5000/db/*",
        "ALLOWED_JOB_SERVICE_ACCOUNTS", "default,team-a/migrator,*/flyway-runner"));

    assertThat(policy.checkMigrationJob(schema("team-b", "ghcr.io/acme/shop/catalog:1.4.2", null))).isEmpty();
    assertThat(policy.checkMigrationJob(schema("team-b", "registry.internal:5000/db/orders@sha256:" + "c".repeat(64), null))).isEmpty();
    assertThat(policy.checkMigrationJob(schema("team-b", "registry.internal:5000/other/orders:1", null))).isPresent();
    assertThat(policy.checkMigrationJob(schema("team-a", null, "migrator"))).isEmpty();
    assertThat(policy.checkMigrationJob(schema("team-b", null, "migrator"))).as("migrator only in team-a").isPresent();
    assertThat(policy.checkMigrationJob(schema("team-b", null, "flyway-runner"))).isEmpty();
    assertThat(policy.checkInstance(instance("postgres:16"))).as("instance images keep their default").isEmpty();
  }

  @Test
  void the_image_is_checked_before_the_account_and_a_bad_one_is_named_with_how_to_write_it() {
    WorkloadPolicy policy = WorkloadPolicy.from(Map.of("ALLOWED_MIGRATION_IMAGES", "*"));

    Refusal garbage = policy.checkMigrationJob(schema("team-a", "ghcr.io/acme/app:1\n$(curl evil)", "root")).orElseThrow();
    assertThat(garbage.reason()).isEqualTo("ImageNotAllowed");
    assertThat(garbage.message()).contains("is not an image reference", "[registry/]repository[:tag][@digest]")
        .doesNotContain("\n");
    assertThat(policy.checkMigrationJob(schema("team-a", "ghcr.io/acme/app:1", "root")).orElseThrow().reason())
        .isEqualTo("ServiceAccountNotAllowed");
  }

  @Test
  void an_empty_setting_allows_nothing_even_the_default_account() {
    WorkloadPolicy policy = WorkloadPolicy.from(Map.of("ALLOWED_INSTANCE_IMAGES", "", "ALLOWED_JOB_SERVICE_ACCOUNTS", " "));

    assertThat(policy.checkInstance(instance("postgres:16")).orElseThrow().message()).contains("allows no such images");
    Refusal unset = policy.checkMigrationJob(schema("team-a", null, null)).orElseThrow();
    assertThat(unset.reason()).isEqualTo("ServiceAccountNotAllowed");
    assertThat(unset.message()).startsWith("spec.job.serviceAccountName is not set, so the migration Job would run as this"
        + " namespace's default ServiceAccount").contains("(allowed: none)");
  }

  @Test
  void a_setting_that_cannot_be_read_stops_the_operator_with_the_variable_and_what_to_write() {
    assertThatThrownBy(() -> WorkloadPolicy.from(Map.of("ALLOWED_MIGRATION_IMAGES", "ghcr.io/acme/(app|evil)")))
        .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("ALLOWED_MIGRATION_IMAGES: image pattern");
    assertThatThrownBy(() -> WorkloadPolicy.from(Map.of("ALLOWED_JOB_SERVICE_ACCOUNTS", "a/b/c")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("namespace/name");
    assertThatThrownBy(() -> WorkloadPolicy.from(Map.of("ALLOWED_JOB_SERVICE_ACCOUNTS", "Team_A/migrator")))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void the_operators_environment_carries_the_policy_and_leaves_it_at_the_defaults_when_unset() {
    DatabaseSchema fromImage = schema("team-a", "ghcr.io/acme/app:1", null);

    assertThat(OperatorSettings.from(Map.of("OPERATOR_IMAGE", "ghcr.io/dbops/schema-operator:1", "ALLOWED_MIGRATION_IMAGES",
        "ghcr.io/acme/*")).workloadPolicy().checkMigrationJob(fromImage)).isEmpty();
    assertThat(OperatorSettings.from(Map.of("OPERATOR_IMAGE", "ghcr.io/dbops/schema-operator:1")).workloadPolicy()
        .checkMigrationJob(fromImage)).isPresent();
  }

  @Test
  void a_hostile_account_name_is_refused_and_quoted_on_one_bounded_line() {
    WorkloadPolicy policy = WorkloadPolicy.defaults();
    for (String hostile : new String[] {"default\n", " default", "../default", "default/default", "*", "x".repeat(5000)}) {
      Optional<Refusal> refusal = policy.checkMigrationJob(schema("team-a", null, hostile));
      assertThat(refusal).as("%s", hostile.length() > 20 ? hostile.substring(0, 20) : hostile).isPresent();
      assertThat(refusal.get().message()).doesNotContain("\n").hasSizeLessThan(700);
    }
  }

  private static DatabaseConnection instance(String image) {
    return SERIALIZATION.unmarshal("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: db, namespace: team-a}
        spec:
          engine: postgres
          database: app
          instance: {image: "%s", storage: {size: 1Gi}}
        """.formatted(image), DatabaseConnection.class);
  }

  /** A schema that takes a dump before each run, with {@code image} as spec.backup.image. */
  private static DatabaseSchema backup(String image) {
    DatabaseSchema schema = schema("team-a", null, null);
    var backup = new io.dbops.schemaoperator.model.Backup();
    backup.setBeforeMigrate(true);
    backup.setClaimName("db-backups");
    backup.setImage(image);
    schema.getSpec().setBackup(backup);
    return schema;
  }

  private static DatabaseSchema schema(String namespace, String image, String serviceAccount) {
    DatabaseSchema schema = SERIALIZATION.unmarshal("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app, namespace: %s}
        spec:
          connectionRef: {name: db}
          migrations:
            inline: [{name: V1__a.sql, sql: "SELECT 1;"}]
        """.formatted(namespace), DatabaseSchema.class);
    if (image != null) {
      var source = new io.dbops.schemaoperator.model.ImageSource();
      source.setRef(image);
      schema.getSpec().getMigrations().setImage(source);
    }
    if (serviceAccount != null) {
      var job = new io.dbops.schemaoperator.model.JobSettings();
      job.setServiceAccountName(serviceAccount);
      schema.getSpec().setJob(job);
    }
    return schema;
  }
}
