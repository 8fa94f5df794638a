package io.dbops.schemaoperator.metrics;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.HistoryEntry;
import io.dbops.schemaoperator.model.LastBackup;
import io.dbops.schemaoperator.model.LastRun;
import io.dbops.schemaoperator.model.RunResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The series of one DatabaseSchema each, read from its status. */
final class SchemaSeries {
  private static final Duration[] DURATION_BUCKETS = {
      Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

  private final MeterRegistry registry;
  private final Map<String, Values> byKey = new HashMap<>();

  private static final class Values {
    volatile double ready;
    volatile double stalled;
    volatile double drifted;
    volatile double approvalPending;
    volatile double pending;
    volatile double lastSuccess;
    volatile double backupBytes;
    volatile double lastBackup;
    Tags tags;
    List<Meter> meters = List.of();
    Meter info;
    Tags infoTags;
    final List<Meter> runMeters = new ArrayList<>();
  }

  SchemaSeries(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code previous} is null the first time a schema is seen, e.g. at start-up: its last run is not counted again. */
  void update(DatabaseSchema previous, DatabaseSchema schema, String engine) {
    String key = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    Tags tags = Tags.of("namespace", schema.getMetadata().getNamespace(), "name", schema.getMetadata().getName(), "engine", engine);
    Values values = byKey.computeIfAbsent(key, k -> new Values());
    DatabaseSchemaStatus status = schema.getStatus();
    var conditions = status == null ? null : status.getConditions();
    values.ready = Conditions.isTrue(conditions, Conditions.READY) ? 1 : 0;
    values.stalled = Conditions.isTrue(conditions, Conditions.STALLED) ? 1 : 0;
    values.drifted = Conditions.isTrue(conditions, Conditions.DRIFTED) ? 1 : 0;
    values.approvalPending = Conditions.isTrue(conditions, Conditions.APPROVAL_PENDING) ? 1 : 0;
    values.pending = status == null || status.getPending() == null ? 0 : status.getPending().size();
    values.lastSuccess = Math.max(values.lastSuccess, lastSuccess(status));
    LastBackup backup = status == null ? null : status.getLastBackup();
    if (backup != null && backup.getResult() == RunResult.Succeeded) {
      values.backupBytes = backup.getBytes() == null ? 0 : backup.getBytes();
      values.lastBackup = Math.max(values.lastBackup, epochSeconds(backup.getCompletionTime()));
    }
    if (!tags.equals(values.tags)) {
      removeAll(values);
      values.tags = tags;
      values.meters = List.of(
          gauge("dbops.schema.ready", values, v -> v.ready, tags,
              "1 when the DatabaseSchema is Ready: the database has every migration and the spec's generation was observed"),
          gauge("dbops.schema.stalled", values, v -> v.stalled, tags,
              "1 when the DatabaseSchema is Stalled: it cannot go on until a person acts (see the Stalled condition's message)"),
          gauge("dbops.schema.drifted", values, v -> v.drifted, tags,
              "1 when the database no longer matches the scripts already applied (edited history or scripts, or a newer database)"),
          gauge("dbops.schema.approval.pending", values, v -> v.approvalPending, tags,
              "1 while a Manual plan waits for the annotation dbops.io/approve"),
          gauge("dbops.schema.pending.migrations", values, v -> v.pending, tags,
              "Migrations the database does not have yet (status.pending)"),
          Gauge.builder("dbops.schema.last.success.timestamp", values, v -> v.lastSuccess).tags(tags).baseUnit("seconds")
              .description("Unix time of the last migration that succeeded for this DatabaseSchema; 0 when none is known")
              .register(registry),
          Gauge.builder("dbops.schema.backup.size", values, v -> v.backupBytes).tags(tags).baseUnit("bytes")
              .description("Size of the last dump spec.backup took before a run (status.lastBackup.bytes); 0 when none")
              .register(registry),
          Gauge.builder("dbops.schema.backup.last.success.timestamp", values, v -> v.lastBackup).tags(tags).baseUnit("seconds")
              .description("Unix time the last successful backup before a run finished; its age is time() minus this; 0 when none")
              .register(registry));
    }
    updateInfo(values, tags, status);
    if (previous != null) {
      countFinishedRun(values, tags, previous.getStatus() == null ? null : previous.getStatus().getLastRun(), status);
    }
  }

  void remove(DatabaseSchema schema) {
    Values values = byKey.remove(schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName());
    if (values != null) {
      removeAll(values);
    }
  }

  private void removeAll(Values values) {
    values.meters.forEach(registry::remove);
    values.meters = List.of();
    if (values.info != null) {
      registry.remove(values.info);
      values.info = null;
      values.infoTags = null;
    }
    values.runMeters.forEach(registry::remove);
    values.runMeters.clear();
  }

  /** The one series allowed unbounded label values: which version the database is at, and for which spec. */
  private void updateInfo(Values values, Tags tags, DatabaseSchemaStatus status) {
    Tags infoTags = tags.and("current_version", status == null || status.getCurrentVersion() == null ? "" : status.getCurrentVersion(),
        "desired_hash", status == null || status.getDesiredHash() == null ? "" : status.getDesiredHash());
    if (!infoTags.equals(values.infoTags)) {
      if (values.info != null) {
        registry.remove(values.info);
      }
      values.infoTags = infoTags;
      values.info = Gauge.builder("dbops.schema.info", () -> 1).tags(infoTags)
          .description("Always 1; its labels say which version the database is at and which desired hash the operator works towards")
          .register(registry);
    }
  }

  private void countFinishedRun(Values values, Tags tags, LastRun before, DatabaseSchemaStatus status) {
    LastRun run = status == null ? null : status.getLastRun();
    if (run == null || run.getOperation() != null && !"migrate".equals(run.getOperation()) || !finished(run)) {
      return;
    }
    if (before != null && Objects.equals(before.getJob(), run.getJob()) && finished(before)) {
      return;
    }
    String result = run.getResult() == RunResult.Succeeded ? "succeeded"
        : status.getFailure() != null && Boolean.TRUE.equals(status.getFailure().getTransient()) ? "transient" : "failed";
    Counter runs = Counter.builder("dbops.migration.runs").tags(tags.and("result", result))
        .description("Migration Jobs whose result the operator read, by result: succeeded, failed (needs a person) or transient (retried)")
        .register(registry);
    runs.increment();
    Timer duration = Timer.builder("dbops.migration.duration").tags(tags)
        .description("How long migration Jobs ran, from start to completion")
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry);
    Duration took = between(run.getStartTime(), run.getCompletionTime());
    if (took != null) {
      duration.record(took);
    }
    if (!values.runMeters.contains(runs)) {
      values.runMeters.add(runs);
    }
    if (!values.runMeters.contains(duration)) {
      values.runMeters.add(duration);
    }
  }

  private static boolean finished(LastRun run) {
    return run.getResult() != null && run.getResult().finished();
  }

  private static double lastSuccess(DatabaseSchemaStatus status) {
    if (status == null) {
      return 0;
    }
    double latest = 0;
    LastRun run = status.getLastRun();
    if (run != null && run.getResult() == RunResult.Succeeded && !"drop".equals(run.getOperation())) {
      latest = Math.max(latest, epochSeconds(run.getCompletionTime()));
    }
    if (status.getHistory() != null) {
      for (HistoryEntry entry : status.getHistory()) {
        // Rows without a checksum are Flyway's own (the schema it created, a baseline), not migrations.
        if (Boolean.TRUE.equals(entry.getSuccess()) && entry.getChecksum() != null) {
          latest = Math.max(latest, epochSeconds(entry.getInstalledOn()));
        }
      }
    }
    return latest;
  }

  private static double epochSeconds(String timestamp) {
    try {
      return timestamp == null ? 0 : Instant.parse(timestamp).toEpochMilli() / 1000.0;
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  private static Duration between(String start, String end) {
    try {
      return start == null || end == null ? null : Duration.between(Instant.parse(start), Instant.parse(end));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private Meter gauge(String name, Values values, java.util.function.ToDoubleFunction<Values> value, Tags tags, String help) {
    return Gauge.builder(name, values, value).tags(tags).description(help).register(registry);
  }
}
