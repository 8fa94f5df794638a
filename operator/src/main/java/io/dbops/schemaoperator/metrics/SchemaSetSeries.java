package io.dbops.schemaoperator.metrics;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.DatabaseSchemaSetStatus;
import io.dbops.schemaoperator.model.TargetCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The series of one DatabaseSchemaSet each: its status.targets counts, and whether it is Stalled. */
final class SchemaSetSeries {
  /** The values of the {@code state} label: status.targets' fields, so a dashboard shows what `kubectl get` does. */
  static final List<String> STATES = List.of("total", "updated", "ready", "failed");

  private final MeterRegistry registry;
  private final Map<String, Values> byKey = new HashMap<>();

  private static final class Values {
    volatile double total;
    volatile double updated;
    volatile double ready;
    volatile double failed;
    volatile double stalled;
    List<Meter> meters = List.of();
  }

  SchemaSetSeries(MeterRegistry registry) {
    this.registry = registry;
  }

  void update(DatabaseSchemaSet set) {
    String key = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
    Values values = byKey.computeIfAbsent(key, k -> new Values());
    DatabaseSchemaSetStatus status = set.getStatus();
    TargetCounts counts = status == null || status.getTargets() == null ? new TargetCounts() : status.getTargets();
    values.total = counts.getTotal();
    values.updated = counts.getUpdated();
    values.ready = counts.getReady();
    values.failed = counts.getFailed();
    values.stalled = status != null && Conditions.isTrue(status.getConditions(), Conditions.STALLED) ? 1 : 0;
    if (values.meters.isEmpty()) {
      Tags tags = Tags.of("namespace", set.getMetadata().getNamespace(), "name", set.getMetadata().getName());
      String help = "Targets of the DatabaseSchemaSet by state, as status.targets has them: total (selected connections),"
          + " updated (children at the current template), ready (of those, Ready), failed (Stalled, or a child that could"
          + " not be made); not a partition: do not sum over state";
      values.meters = List.of(
          Gauge.builder("dbops.schemaset.targets", values, v -> v.total).tags(tags.and("state", "total")).description(help)
              .register(registry),
          Gauge.builder("dbops.schemaset.targets", values, v -> v.updated).tags(tags.and("state", "updated")).description(help)
              .register(registry),
          Gauge.builder("dbops.schemaset.targets", values, v -> v.ready).tags(tags.and("state", "ready")).description(help)
              .register(registry),
          Gauge.builder("dbops.schemaset.targets", values, v -> v.failed).tags(tags.and("state", "failed")).description(help)
              .register(registry),
          Gauge.builder("dbops.schemaset.stalled", values, v -> v.stalled).tags(tags)
              .description("1 when the DatabaseSchemaSet's rollout cannot go on until a person acts (a child failed;"
                  + " see the Stalled condition's message)")
              .register(registry));
    }
  }

  void remove(DatabaseSchemaSet set) {
    Values values = byKey.remove(set.getMetadata().getNamespace() + "/" + set.getMetadata().getName());
    if (values != null) {
      values.meters.forEach(registry::remove);
    }
  }
}
