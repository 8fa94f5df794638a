package io.dbops.schemaoperator.policy;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.SchemaDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the operator's administrators let a DatabaseConnection or DatabaseSchema put into a Pod:
 * which images a managed instance, a migration Job's init container and a backup Job may run, and
 * which ServiceAccount a migration or backup Job may run as. Without it, whoever may create a resource in a
 * namespace could run any image as any of that namespace's ServiceAccounts through the operator.
 * Each check is answered before anything is created; a refusal says what to change.
 *
 * <p>Settings (the Deployment's environment; the chart's values in brackets):
 *
 * <pre>
 * ALLOWED_INSTANCE_IMAGES        (allowedImages.instance)   image patterns, comma-separated;
 *                                unset: postgres, mariadb, mcr.microsoft.com/mssql/server
 * ALLOWED_MIGRATION_IMAGES       (allowedImages.migration)  image patterns; unset: none
 * ALLOWED_BACKUP_IMAGES          (allowedImages.backup)     image patterns;
 *                                unset: postgres, mariadb, mysql, mcr.microsoft.com/mssql/server
 * ALLOWED_JOB_SERVICE_ACCOUNTS   (allowedJobServiceAccounts) name or namespace/name, * for any;
 *                                unset: default (each namespace's own default account)
 * </pre>
 *
 * A variable that is set but empty allows nothing. See {@link ImagePattern} for the patterns.
 * When spec.backup.image is unset, the operator's own default (the official engine image) is used
 * and not checked.
 */
public final class WorkloadPolicy {
  public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";
  public static final String SERVICE_ACCOUNT_NOT_ALLOWED = "ServiceAccountNotAllowed";
  public static final String INSTANCE_IMAGES = "ALLOWED_INSTANCE_IMAGES";
  public static final String MIGRATION_IMAGES = "ALLOWED_MIGRATION_IMAGES";
  public static final String BACKUP_IMAGES = "ALLOWED_BACKUP_IMAGES";
  public static final String JOB_SERVICE_ACCOUNTS = "ALLOWED_JOB_SERVICE_ACCOUNTS";
  /** The official images of the engines a managed instance runs, any tag. */
  public static final List<String> DEFAULT_INSTANCE_IMAGES = List.of("postgres", "mariadb", "mcr.microsoft.com/mssql/server");
  /** The images the dump tools ship in: the engines' own, as the operator picks them when spec.backup.image is unset. */
  public static final List<String> DEFAULT_BACKUP_IMAGES = List.of("postgres", "mariadb", "mysql", "mcr.microsoft.com/mssql/server");
  public static final List<String> DEFAULT_JOB_SERVICE_ACCOUNTS = List.of("default");
  /** The account a Pod runs as when it names none. */
  static final String DEFAULT_ACCOUNT = "default";

  private final List<ImagePattern> instanceImages;
  private final List<ImagePattern> migrationImages;
  private final List<ImagePattern> backupImages;
  private final List<AccountRule> jobServiceAccounts;

  /** Why a resource may not go on: a condition reason and a message that says what to change. */
  public record Refusal(String reason, String message) {}

  public WorkloadPolicy(List<ImagePattern> instanceImages, List<ImagePattern> migrationImages, List<ImagePattern> backupImages,
      List<AccountRule> jobServiceAccounts) {
    this.instanceImages = List.copyOf(instanceImages);
    this.migrationImages = List.copyOf(migrationImages);
    this.backupImages = List.copyOf(backupImages);
    this.jobServiceAccounts = List.copyOf(jobServiceAccounts);
  }

  /** The policy when nothing is configured. */
  public static WorkloadPolicy defaults() {
    return from(Map.of());
  }

  /** From the operator's environment; a setting that cannot be read stops the operator with what to fix. */
  public static WorkloadPolicy from(Map<String, String> env) {
    return new WorkloadPolicy(
        list(env, INSTANCE_IMAGES, DEFAULT_INSTANCE_IMAGES).stream().map(p -> image(INSTANCE_IMAGES, p)).toList(),
        list(env, MIGRATION_IMAGES, List.of()).stream().map(p -> image(MIGRATION_IMAGES, p)).toList(),
        list(env, BACKUP_IMAGES, DEFAULT_BACKUP_IMAGES).stream().map(p -> image(BACKUP_IMAGES, p)).toList(),
        list(env, JOB_SERVICE_ACCOUNTS, DEFAULT_JOB_SERVICE_ACCOUNTS).stream().map(AccountRule::parse).toList());
  }

  private static List<String> list(Map<String, String> env, String name, List<String> fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static ImagePattern image(String setting, String pattern) {
    try {
      return ImagePattern.parse(pattern);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(setting + ": " + e.getMessage());
    }
  }

  /** A managed instance's image (spec.instance.image); empty when the connection may go on. */
  public Optional<Refusal> checkInstance(DatabaseConnection connection) {
    if (connection.getSpec() == null || connection.getSpec().getInstance() == null) {
      return Optional.empty();
    }
    return checkImage("spec.instance.image", connection.getSpec().getInstance().getImage(), instanceImages,
        INSTANCE_IMAGES, "allowedImages.instance");
  }

  /**
   * What a migration Job of this schema would run beside the operator's own image: the image its
   * scripts are copied from (spec.migrations.image.ref) and its ServiceAccount
   * (spec.job.serviceAccountName, the namespace's default account when unset). Empty when a Job may
   * be created.
   */
  public Optional<Refusal> checkMigrationJob(DatabaseSchema schema) {
    var spec = schema.getSpec();
    if (spec == null) {
      return Optional.empty();
    }
    if (spec.getMigrations() != null && spec.getMigrations().getImage() != null) {
      Optional<Refusal> image = checkImage("spec.migrations.image.ref", spec.getMigrations().getImage().getRef(), migrationImages,
          MIGRATION_IMAGES, "allowedImages.migration");
      if (image.isPresent()) {
        return image;
      }
    }
    String account = spec.getJob() == null ? null : spec.getJob().getServiceAccountName();
    return checkJobServiceAccount(schema.getMetadata().getNamespace(), account);
  }

  /**
   * The image a backup Job of this schema would run (spec.backup.image), when backups before a run
   * are on (spec.backup.beforeMigrate); with them off no backup Job runs, whatever it names. When spec.backup.image is unset, the operator's own default (the official engine image)
   * is used and not checked. Apart from {@link #checkMigrationJob}, because a drop Job runs no
   * backup: a backup image is no reason to keep a schema's data on deletion. The backup Job's
   * ServiceAccount is the migration Job's, checked there. Empty when a backup Job may be created.
   */
  public Optional<Refusal> checkBackupJob(DatabaseSchema schema) {
    var spec = schema.getSpec();
    // Blank as unset, as the Job builder reads it: the default image then runs.
    if (spec == null || !SchemaDefaults.backupBeforeMigrate(spec) || spec.getBackup().getImage() == null
        || spec.getBackup().getImage().isBlank()) {
      return Optional.empty();
    }
    return checkImage("spec.backup.image", spec.getBackup().getImage(), backupImages, BACKUP_IMAGES, "allowedImages.backup");
  }

  Optional<Refusal> checkImage(String field, String image, List<ImagePattern> allowed, String setting, String value) {
    String problem = ImageReference.problem(image);
    if (problem != null) {
      return Optional.of(new Refusal(IMAGE_NOT_ALLOWED, field + " " + ImageReference.quoted(image) + " is not an image reference ("
          + problem + "): write it as [registry/]repository[:tag][@digest]"));
    }
    ImageReference reference = ImageReference.parse(image).orElseThrow();
    if (allowed.stream().anyMatch(p -> p.matches(reference))) {
      return Optional.empty();
    }
    String ask = "ask the operator's administrators to allow it (setting " + setting + ", chart value " + value + ")";
    if (allowed.isEmpty()) {
      return Optional.of(new Refusal(IMAGE_NOT_ALLOWED, field + " " + ImageReference.quoted(image)
          + " is not allowed: this operator allows no such images. Remove the field, or " + ask));
    }
    return Optional.of(new Refusal(IMAGE_NOT_ALLOWED, field + " " + ImageReference.quoted(image) + " (" + reference
        + ") is not allowed by this operator (allowed: " + shown(allowed) + "): use an image that matches one of these, or " + ask));
  }

  Optional<Refusal> checkJobServiceAccount(String namespace, String account) {
    boolean unset = account == null || account.isEmpty();
    String effective = unset ? DEFAULT_ACCOUNT : account;
    if (jobServiceAccounts.stream().anyMatch(rule -> rule.allows(namespace, effective))) {
      return Optional.empty();
    }
    String allowed = jobServiceAccounts.isEmpty() ? "none" : shown(jobServiceAccounts);
    String ask = "ask the operator's administrators to allow it (setting " + JOB_SERVICE_ACCOUNTS
        + ", chart value allowedJobServiceAccounts)";
    String message = unset
        ? "spec.job.serviceAccountName is not set, so the migration Job would run as this namespace's default ServiceAccount,"
            + " which this operator does not allow here (allowed: " + allowed + "): set spec.job.serviceAccountName to an allowed"
            + " account, or " + ask
        : "spec.job.serviceAccountName " + ImageReference.quoted(account) + " is not allowed by this operator in this namespace"
            + " (allowed: " + allowed + "): name an allowed account, or remove the field to use the namespace's default account"
            + " if that one is allowed, or " + ask;
    return Optional.of(new Refusal(SERVICE_ACCOUNT_NOT_ALLOWED, message));
  }

  private static String shown(List<?> items) {
    String all = items.stream().map(Object::toString).collect(Collectors.joining(", "));
    return all.length() > 300 ? all.substring(0, 300) + "…" : all;
  }

  /**
   * A ServiceAccount migration Jobs may run as: {@code name} in any namespace, or
   * {@code namespace/name}; {@code *} for any namespace or any name.
   */
  public record AccountRule(String namespace, String name) {
    private static final String ANY = "*";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*");

    public static AccountRule parse(String text) {
      String[] parts = text.trim().split("/", -1);
      if (parts.length > 2) {
        throw invalid(text);
      }
      String namespace = parts.length == 2 ? parts[0] : ANY;
      String name = parts[parts.length - 1];
      if (!(namespace.equals(ANY) || DNS_LABEL.matcher(namespace).matches())
          || !(name.equals(ANY) || name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches())) {
        throw invalid(text);
      }
      return new AccountRule(namespace, name);
    }

    private static ConfigurationException invalid(String text) {
      return new ConfigurationException(JOB_SERVICE_ACCOUNTS + ": " + ImageReference.quoted(text) + " is not a ServiceAccount"
          + " rule: write name (in every namespace), namespace/name, or * for any namespace or name, e.g. default,team-a/migrator");
    }

    boolean allows(String namespace, String account) {
      return (this.namespace.equals(ANY) || this.namespace.equals(namespace)) && (name.equals(ANY) || name.equals(account));
    }

    @Override
    public String toString() {
      return namespace.equals(ANY) ? name : namespace + "/" + name;
    }
  }
}
