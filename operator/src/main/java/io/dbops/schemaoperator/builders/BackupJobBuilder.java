package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.Backup;
import io.dbops.schemaoperator.model.ConnectionSecretRefs;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.JobSettings;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.dbops.schemaoperator.model.TlsMode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Job that dumps a schema's database before a migration run, with the engine's own tool:
 * PostgreSQL {@code pg_dump -Fc}, MySQL/MariaDB a single-transaction dump, both into the claim
 * spec.backup.claimName names; SQL Server {@code BACKUP DATABASE ... WITH COPY_ONLY} to the
 * server's own disk through sqlcmd. The script is a constant per engine; every value reaches it as
 * an environment variable (the login as secretKeyRef only), so nothing a user writes is ever shell.
 * It writes a compact JSON result (file, bytes, version) to its termination message, and on failure
 * its log's last lines take that place.
 */
public final class BackupJobBuilder {
  public static final String CONTAINER = "backup";
  public static final String BACKUP_APP = "schema-operator-backup";
  public static final String OPERATION = "backup";
  public static final String ROOT = "/backups";
  public static final String TLS_DIR = "/etc/dbops/tls";
  public static final String CA_FILE = TLS_DIR + "/ca.crt";
  public static final String RESULT_FILE = "/dev/termination-log";
  /** The variable the result file is named by, the same name `migrate` reads. */
  public static final String RESULT_ENV = "DBOPS_RESULT_FILE";
  static final String CLAIM_VOLUME = "backups";
  static final String TLS_VOLUME = "tls-ca";
  static final String TMP_VOLUME = "tmp";
  private static final int FILE_PREFIX = 40;

  private static final Pattern POSTGRES_VERSION = Pattern.compile("PostgreSQL (\\d+)(?:\\.(\\d+))?");
  private static final Pattern MARIADB_VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.\\d+-MariaDB");
  private static final Pattern MYSQL_VERSION = Pattern.compile("MySQL (\\d+)\\.(\\d+)");
  private static final Pattern SQLSERVER_VERSION = Pattern.compile("Microsoft SQL Server (\\d+)\\.");
  private static final Map<String, String> SQLSERVER_YEARS = Map.of("14", "2017", "15", "2019", "16", "2022", "17", "2025");

  /** Shared by the engines' scripts: where the dump goes, the file's name, and what the result says. */
  private static final String PRELUDE = """
      set -eu
      dir="$BACKUP_ROOT/$BACKUP_PREFIX"
      mkdir -p "$dir"
      stamp=$(date -u +%Y%m%dT%H%M%SZ)
      name="$BACKUP_PREFIX-$stamp-v$DUMP_VERSION.$BACKUP_EXT"
      """;
  /**
   * Keeps the newest $KEEP dumps of this schema, newest by when they were written: two dumps taken
   * within one second carry the same time in their names, and the version after it does not sort.
   */
  private static final String FINISH = """
      mv "$dir/$name.partial" "$dir/$name"
      bytes=$(wc -c < "$dir/$name" | tr -d ' ')
      ls -1t "$dir" | grep -E "^$BACKUP_PREFIX-[0-9]{8}T[0-9]{6}Z-v[0-9._a-z]+\\.$BACKUP_EXT\\$" \\
        | tail -n +$((KEEP + 1)) | while read -r old; do rm -f "$dir/$old"; done
      printf '{"file":"%s","bytes":%s,"version":"%s"}' "$BACKUP_PREFIX/$name" "$bytes" "$DUMP_VERSION" > "$DBOPS_RESULT_FILE"
      echo "dumped to $BACKUP_PREFIX/$name ($bytes bytes)"
      """;

  static final String POSTGRES_SCRIPT = PRELUDE + """
      pg_dump --format=custom --no-password --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" \\
        --dbname="$DB_NAME" --file="$dir/$name.partial"
      """ + FINISH;

  static final String MYSQL_SCRIPT = PRELUDE + """
      if command -v mariadb-dump >/dev/null 2>&1; then
        dump=mariadb-dump
        case "$TLS_MODE" in
          disable) tls="--skip-ssl" ;;
          require) tls="--ssl --skip-ssl-verify-server-cert" ;;
          verify-ca) tls="--ssl --ssl-ca=$CA_FILE --skip-ssl-verify-server-cert" ;;
          *) tls="--ssl --ssl-ca=$CA_FILE --ssl-verify-server-cert" ;;
        esac
      else
        dump=mysqldump
        case "$TLS_MODE" in
          disable) tls="--ssl-mode=DISABLED" ;;
          require) tls="--ssl-mode=REQUIRED" ;;
          verify-ca) tls="--ssl-mode=VERIFY_CA --ssl-ca=$CA_FILE" ;;
          *) tls="--ssl-mode=VERIFY_IDENTITY --ssl-ca=$CA_FILE" ;;
        esac
      fi
      # One database: a dump that restores into any database. Several (spec.schemas): each by name.
      set -f
      if [ -n "${DB_SCHEMAS:-}" ]; then targets="--databases $DB_SCHEMAS"; else targets="$DB_NAME"; fi
      $dump --single-transaction --routines --triggers --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" \\
        $tls --result-file="$dir/$name.partial" $targets
      """ + FINISH;

  /**
   * SQL Server writes the backup itself, to its default backup directory; the claim is not used and
   * old backups there are not pruned.
   */
  static final String SQLSERVER_SCRIPT = """
      set -eu
      stamp=$(date -u +%Y%m%dT%H%M%SZ)
      name="$BACKUP_PREFIX-$stamp-v$DUMP_VERSION.bak"
      sqlcmd=sqlcmd
      for c in /opt/mssql-tools18/bin/sqlcmd /opt/mssql-tools/bin/sqlcmd; do [ -x "$c" ] && sqlcmd="$c"; done
      case "$TLS_MODE" in
        disable) tls="-N disable" ;;
        require) tls="-N -C" ;;
        *) tls="-N" ;;
      esac
      set -f
      "$sqlcmd" -S "tcp:$DB_HOST,$DB_PORT" -U "$DB_USER" $tls -b -v DB="$DB_NAME" FILE="$name" \\
        -Q 'BACKUP DATABASE [$(DB)] TO DISK = N'"'"'$(FILE)'"'"' WITH COPY_ONLY, INIT'
      bytes=$("$sqlcmd" -S "tcp:$DB_HOST,$DB_PORT" -U "$DB_USER" $tls -b -h -1 -W -v DB="$DB_NAME" \\
        -Q 'SET NOCOUNT ON; SELECT TOP 1 CAST(backup_size AS bigint) FROM msdb.dbo.backupset WHERE database_name = N'"'"'$(DB)'"'"' ORDER BY backup_finish_date DESC' | tr -d ' \\r')
      printf '{"file":"%s","bytes":%s,"version":"%s"}' "$name" "${bytes:-0}" "$DUMP_VERSION" > "$DBOPS_RESULT_FILE"
      echo "backed up to the server's backup directory as $name ($bytes bytes)"
      """;

  private BackupJobBuilder() {}

  /**
   * @param connection as the operator reaches it (a managed instance as its Service and admin login)
   * @param version the schema version the database is at, or null when nothing is applied yet
   * @param serverVersion the connection's status.serverVersion, for the default image
   */
  public record Request(DatabaseSchema schema, DatabaseConnection connection, String desiredHash, int attempt, String version,
      String serverVersion) {
    public Request {
      Objects.requireNonNull(schema.getSpec(), "schema.spec");
      Objects.requireNonNull(connection.getSpec(), "connection.spec");
      if (desiredHash == null || !desiredHash.matches("^[0-9a-f]{6,64}$")) {
        throw new IllegalArgumentException("desiredHash must be lowercase hex of 6 to 64 characters, got " + desiredHash);
      }
    }
  }

  public static String jobName(DatabaseSchema schema, String desiredHash, int attempt) {
    String suffix = "-" + desiredHash.substring(0, 6) + "-" + OPERATION + "-" + attempt;
    return KubeNames.labelPrefix(schema.getMetadata().getName(), KubeNames.MAX_LABEL - suffix.length()) + suffix;
  }

  /** The start of every dump file of this schema: its name made a safe file name, unique per name. */
  public static String filePrefix(DatabaseSchema schema) {
    String name = schema.getMetadata().getName();
    String cleaned = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (cleaned.equals(name) && cleaned.length() <= FILE_PREFIX) {
      return cleaned;
    }
    // Rewritten or cut: a few characters of the name's own hash keep two such names apart.
    String kept = cleaned.substring(0, Math.min(cleaned.length(), FILE_PREFIX - 6)).replaceAll("-+$", "");
    return (kept.isEmpty() ? "schema" : kept) + "-" + Sha256.hex(name).substring(0, 5);
  }

  /** @throws IllegalArgumentException when the spec or the connection cannot be backed up; the message says what to change */
  public static Job build(Request request) {
    DatabaseSchema schema = request.schema();
    DatabaseSchemaSpec spec = schema.getSpec();
    Backup backup = spec.getBackup();
    DatabaseConnectionSpec conn = request.connection().getSpec();
    if (backup == null || backup.getClaimName() == null || backup.getClaimName().isBlank()) {
      throw new IllegalArgumentException("spec.backup.claimName is required for a backup: name the PersistentVolumeClaim the dumps go to");
    }
    if (conn.getUrlFrom() != null || conn.getHost() == null || conn.getDatabase() == null) {
      throw new IllegalArgumentException("spec.backup needs a connection with host and database: a urlFrom connection's"
          + " server is inside its Secret, which the dump tools cannot read. Set spec.backup.beforeMigrate to false");
    }
    ConnectionSecretRefs secrets = ConnectionSecretRefs.of(conn);
    if (secrets.username().isEmpty() || secrets.password().isEmpty()) {
      throw new IllegalArgumentException("spec.backup needs the connection's credentials Secret");
    }
    Engine engine = conn.getEngine();
    TlsMode tls = conn.getTls() == null || conn.getTls().getMode() == null ? TlsMode.REQUIRE : conn.getTls().getMode();
    String image = backup.getImage() == null || backup.getImage().isBlank()
        ? defaultImage(engine, request.serverVersion()) : backup.getImage();

    List<EnvVar> env = new ArrayList<>();
    env.add(env("DB_HOST", conn.getHost()));
    env.add(env("DB_PORT", Integer.toString(conn.effectivePort())));
    env.add(env("DB_NAME", conn.getDatabase()));
    env.add(env("TLS_MODE", tls.wireName()));
    env.add(env("BACKUP_ROOT", ROOT));
    env.add(env("BACKUP_PREFIX", filePrefix(schema)));
    env.add(env("DUMP_VERSION", safeVersion(request.version())));
    env.add(env("KEEP", Integer.toString(SchemaDefaults.backupKeep(spec))));
    env.add(env(RESULT_ENV, RESULT_FILE));
    // The root filesystem is read-only; the tools keep what they write for themselves in /tmp.
    env.add(env("HOME", "/tmp"));
    env.add(secretEnv("DB_USER", secrets.username().get()));
    String script;
    switch (engine) {
      case POSTGRES -> {
        script = POSTGRES_SCRIPT;
        env.add(env("BACKUP_EXT", "dump"));
        env.add(secretEnv("PGPASSWORD", secrets.password().get()));
        env.add(env("PGSSLMODE", tls.wireName()));
        env.add(env("PGCONNECT_TIMEOUT", "10"));
        secrets.ca().ifPresent(ca -> env.add(env("PGSSLROOTCERT", CA_FILE)));
      }
      case MYSQL, MARIADB -> {
        script = MYSQL_SCRIPT;
        env.add(env("BACKUP_EXT", "sql"));
        env.add(secretEnv("MYSQL_PWD", secrets.password().get()));
        env.add(env("CA_FILE", CA_FILE));
        // MySQL's schemas are databases: those Flyway manages, else the connection's own.
        List<String> schemas = spec.getSchemas() == null ? List.of() : spec.getSchemas();
        if (!schemas.isEmpty()) {
          env.add(env("DB_SCHEMAS", String.join(" ", schemas)));
        }
      }
      case SQLSERVER -> {
        script = SQLSERVER_SCRIPT;
        env.add(secretEnv("SQLCMDPASSWORD", secrets.password().get()));
      }
      default -> throw new IllegalStateException("every engine has a backup script");
    }

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    if (engine != Engine.SQLSERVER) {
      volumes.add(new VolumeBuilder().withName(CLAIM_VOLUME).withNewPersistentVolumeClaim().withClaimName(backup.getClaimName())
          .endPersistentVolumeClaim().build());
      mounts.add(mount(CLAIM_VOLUME, ROOT, false));
    }
    secrets.ca().ifPresent(ca -> {
      volumes.add(new VolumeBuilder().withName(TLS_VOLUME)
          .withNewSecret().withSecretName(ca.getName()).addNewItem().withKey(ca.getKey()).withPath("ca.crt").endItem().endSecret()
          .build());
      mounts.add(mount(TLS_VOLUME, TLS_DIR, true));
    });
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    mounts.add(mount(TMP_VOLUME, "/tmp", false));

    JobSettings settings = spec.getJob() == null ? new JobSettings() : spec.getJob();
    Map<String, String> labels = Labels.forSchema(schema, BACKUP_APP);
    labels.put(Labels.DESIRED_HASH, Labels.hashLabelValue(request.desiredHash()));
    labels.put(Labels.OPERATION, OPERATION);
    labels.put(Labels.ATTEMPT, Integer.toString(request.attempt()));
    Map<String, String> podLabels = new LinkedHashMap<>();
    if (settings.getPodLabels() != null) {
      podLabels.putAll(settings.getPodLabels());
    }
    podLabels.putAll(labels);

    Container container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withCommand("sh", "-c", script)
        .withEnv(env)
        .withVolumeMounts(mounts)
        .withResources(settings.getResources())
        .withTerminationMessagePath(RESULT_FILE)
        // On failure the script writes no result: the log's last lines (the tool's error) take its place.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();

    return new JobBuilder()
        .withNewMetadata()
            .withName(jobName(schema, request.desiredHash(), request.attempt()))
            .withNamespace(schema.getMetadata().getNamespace())
            .withLabels(labels)
            .addToAnnotations(Labels.DESIRED_HASH, request.desiredHash())
            .withOwnerReferences(Owners.controlledBy(schema))
        .endMetadata()
        .withNewSpec()
            .withBackoffLimit(0)
            .withActiveDeadlineSeconds(SchemaDefaults.activeDeadlineSeconds(spec))
            .withTtlSecondsAfterFinished(MigrationJobBuilder.TTL_SECONDS_AFTER_FINISHED)
            .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withServiceAccountName(settings.getServiceAccountName())
                    .withAutomountServiceAccountToken(false)
                    .withNodeSelector(settings.getNodeSelector() == null || settings.getNodeSelector().isEmpty()
                        ? null : new LinkedHashMap<>(settings.getNodeSelector()))
                    .withTolerations(settings.getTolerations() == null || settings.getTolerations().isEmpty()
                        ? null : new ArrayList<>(settings.getTolerations()))
                    // As the engine image's own user (postgres and mysql 999, mssql 10001), never root; the
                    // claim is made writable for it through the group.
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(imageUser(engine))
                        .withRunAsGroup(imageUser(engine))
                        .withFsGroup(imageUser(engine))
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .withContainers(container)
                    .withVolumes(volumes)
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The engine's own image at the server's version: a dump tool must be at least as new as the
   * server (pg_dump refuses an older one's dumps of a newer server).
   */
  static String defaultImage(Engine engine, String serverVersion) {
    String version = serverVersion == null ? "" : serverVersion;
    Matcher m;
    switch (engine) {
      case POSTGRES -> {
        m = POSTGRES_VERSION.matcher(version);
        if (m.find()) {
          int major = Integer.parseInt(m.group(1));
          return "postgres:" + (major >= 10 || m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
        }
      }
      case MARIADB, MYSQL -> {
        m = MARIADB_VERSION.matcher(version);
        if (m.find()) {
          return "mariadb:" + m.group(1) + "." + m.group(2);
        }
        m = MYSQL_VERSION.matcher(version);
        if (m.find()) {
          return "mysql:" + m.group(1) + "." + m.group(2);
        }
      }
      case SQLSERVER -> {
        m = SQLSERVER_VERSION.matcher(version);
        return "mcr.microsoft.com/mssql/server:" + (m.find() ? SQLSERVER_YEARS.getOrDefault(m.group(1), "2022") : "2022") + "-latest";
      }
      default -> { }
    }
    throw new IllegalArgumentException("the connection's server version (" + (serverVersion == null ? "not known yet" : serverVersion)
        + ") names no " + engine.wireName() + " image to dump it with: set spec.backup.image");
  }

  static long imageUser(Engine engine) {
    return engine == Engine.SQLSERVER ? 10001L : 999L;
  }

  /** A version as a file name part: digits, dots and underscores only; "none" before anything is applied. */
  static String safeVersion(String version) {
    return version == null || !version.matches("^[0-9]+([._][0-9]+)*$") ? "none" : version;
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretEnv(String name, SecretKeyRef ref) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewSecretKeyRef().withName(ref.getName()).withKey(ref.getKey()).endSecretKeyRef().endValueFrom()
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
  }
}
