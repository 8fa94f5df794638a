package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.model.Backup;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.dbops.schemaoperator.model.UrlFrom;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BackupJobBuilderTest {
  private static final String HASH = "9f2c1a" + "0".repeat(58);

  @Test
  void the_backup_job_is_named_for_its_schema_hash_and_attempt_and_labelled_as_a_backup() {
    Job job = build(schema(), Fixtures.connection(), "3", "PostgreSQL 16.4");

    assertThat(job.getMetadata().getName()).isEqualTo("app-schema-9f2c1a-backup-1");
    assertThat(job.getMetadata().getNamespace()).isEqualTo(Fixtures.NAMESPACE);
    assertThat(job.getMetadata().getLabels()).containsEntry(Labels.OPERATION, "backup").containsEntry(Labels.ATTEMPT, "1")
        .containsEntry(Labels.NAME, BackupJobBuilder.BACKUP_APP).containsEntry(Labels.SCHEMA, "app-schema");
    assertThat(job.getMetadata().getAnnotations()).containsEntry(Labels.DESIRED_HASH, HASH);
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getController()).isTrue());
    assertThat(job.getSpec().getBackoffLimit()).isZero();
  }

  @Test
  void postgres_is_dumped_by_pg_dump_of_the_servers_major_version_into_the_claim() {
    Job job = build(schema(), Fixtures.connection(), "3", "PostgreSQL 16.4");
    Container c = container(job);

    assertThat(c.getImage()).isEqualTo("postgres:16");
    assertThat(c.getCommand()).containsExactly("sh", "-c", BackupJobBuilder.POSTGRES_SCRIPT);
    assertThat(c.getCommand().get(2)).contains("pg_dump --format=custom");
    assertThat(values(c)).containsEntry("DB_HOST", "postgres.default.svc").containsEntry("DB_PORT", "5432")
        .containsEntry("DB_NAME", "app").containsEntry("PGSSLMODE", "require").containsEntry("DUMP_VERSION", "3")
        .containsEntry("KEEP", "5").containsEntry("BACKUP_PREFIX", "app-schema").containsEntry("BACKUP_EXT", "dump");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("db-backups"));
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(BackupJobBuilder.ROOT));
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void the_login_reaches_the_tool_only_as_secret_references_and_no_secret_value_is_in_the_job() {
    Job job = build(schema(), Fixtures.connection(), "3", "PostgreSQL 16.4");
    Container c = container(job);

    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("PGPASSWORD") || e.getName().equals("DB_USER")).hasSize(2)
        .allSatisfy(e -> {
          assertThat(e.getValue()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-db");
        });
  }

  @Test
  void no_value_a_user_writes_is_spliced_into_the_script() {
    DatabaseSchema schema = schema();
    schema.getMetadata().setName("evil.$(rm -rf x)");
    schema.getSpec().setSchemas(List.of("a; DROP", "b"));
    DatabaseConnection connection = Fixtures.copy(Fixtures.connection());
    connection.getSpec().setEngine(Engine.MARIADB);
    connection.getSpec().setDatabase("app`name");

    Container c = container(build(schema, connection, "1'; rm -rf /", "MySQL 11.4.5-MariaDB"));

    assertThat(c.getCommand().get(2)).isEqualTo(BackupJobBuilder.MYSQL_SCRIPT);
    assertThat(values(c).get("BACKUP_PREFIX")).as("file names from the schema name are sanitised").matches("[a-z0-9-]+");
    assertThat(values(c)).containsEntry("DUMP_VERSION", "none").containsEntry("DB_NAME", "app`name");
    assertThat(c.getImage()).isEqualTo("mariadb:11.4");
  }

  @Test
  void mysql_and_mariadb_dump_in_one_transaction_with_the_password_in_mysql_pwd() {
    DatabaseConnection connection = Fixtures.copy(Fixtures.connection());
    connection.getSpec().setEngine(Engine.MYSQL);
    connection.getSpec().setPort(3306);

    Container c = container(build(schema(), connection, "2", "MySQL 8.0.36"));

    assertThat(c.getImage()).isEqualTo("mysql:8.0");
    assertThat(c.getCommand().get(2)).contains("--single-transaction");
    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("MYSQL_PWD")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password"));
  }

  @Test
  void sql_server_backs_up_to_its_own_disk_with_copy_only_and_mounts_no_claim() {
    DatabaseConnection connection = Fixtures.copy(Fixtures.connection());
    connection.getSpec().setEngine(Engine.SQLSERVER);

    Job job = build(schema(), connection, "2", "Microsoft SQL Server 15.00.4345");
    Container c = container(job);

    assertThat(c.getImage()).isEqualTo("mcr.microsoft.com/mssql/server:2019-latest");
    assertThat(c.getCommand().get(2)).contains("WITH COPY_ONLY").contains("sqlcmd");
    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("SQLCMDPASSWORD")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull());
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).allSatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNull());
  }

  @Test
  void backup_image_overrides_the_default_and_an_unknown_server_version_asks_for_it() {
    DatabaseSchema schema = schema();
    schema.getSpec().getBackup().setImage("registry.example/pg-tools:17");
    assertThat(container(build(schema, Fixtures.connection(), "1", null)).getImage()).isEqualTo("registry.example/pg-tools:17");

    assertThatThrownBy(() -> build(schema(), Fixtures.connection(), "1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set spec.backup.image");
  }

  @Test
  void a_ca_is_mounted_and_named_to_the_tool() {
    DatabaseConnection connection = Fixtures.copy(Fixtures.connection());
    connection.getSpec().getTls().setMode(io.dbops.schemaoperator.model.TlsMode.VERIFY_FULL);
    connection.getSpec().getTls().setCaSecretRef(new SecretKeyRef("db-ca", "ca.crt"));

    Job job = build(schema(), connection, "1", "PostgreSQL 14.22");

    assertThat(values(container(job))).containsEntry("PGSSLMODE", "verify-full").containsEntry("PGSSLROOTCERT", BackupJobBuilder.CA_FILE);
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
        .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db-ca"));
  }

  @Test
  void a_connection_kept_as_a_url_in_a_secret_cannot_be_backed_up_and_says_so() {
    DatabaseConnection connection = Fixtures.copy(Fixtures.connection());
    connection.getSpec().setHost(null);
    connection.getSpec().setCredentials(null);
    UrlFrom url = new UrlFrom();
    url.setSecretKeyRef(new SecretKeyRef("legacy", "url"));
    connection.getSpec().setUrlFrom(url);

    assertThatThrownBy(() -> build(schema(), connection, "1", "PostgreSQL 16.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("urlFrom").hasMessageContaining("beforeMigrate");
  }

  @Test
  void default_images_follow_the_server_version() {
    assertThat(BackupJobBuilder.defaultImage(Engine.POSTGRES, "PostgreSQL 9.6.24")).isEqualTo("postgres:9.6");
    assertThat(BackupJobBuilder.defaultImage(Engine.POSTGRES, "PostgreSQL 17.2 (Debian 17.2-1)")).isEqualTo("postgres:17");
    assertThat(BackupJobBuilder.defaultImage(Engine.MARIADB, "MySQL 10.11.6-MariaDB-0+deb12u1")).isEqualTo("mariadb:10.11");
    assertThat(BackupJobBuilder.defaultImage(Engine.SQLSERVER, "Microsoft SQL Server 16.00.4135")).isEqualTo(
        "mcr.microsoft.com/mssql/server:2022-latest");
  }

  private static DatabaseSchema schema() {
    DatabaseSchema schema = Fixtures.schema();
    Backup backup = new Backup();
    backup.setBeforeMigrate(true);
    backup.setClaimName("db-backups");
    schema.getSpec().setBackup(backup);
    return schema;
  }

  private static Job build(DatabaseSchema schema, DatabaseConnection connection, String version, String serverVersion) {
    return BackupJobBuilder.build(new BackupJobBuilder.Request(schema, connection, HASH, 1, version, serverVersion));
  }

  private static Container container(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> values(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
