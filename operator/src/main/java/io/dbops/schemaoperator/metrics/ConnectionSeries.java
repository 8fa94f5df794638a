package io.dbops.schemaoperator.metrics;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The series of one DatabaseConnection each: up, probe latency and, for managed instances, ready replicas. */
final class ConnectionSeries {
  static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final Map<String, Values> byKey = new HashMap<>();

  /** What the gauges read; replaced values are seen at the next scrape. */
  private static final class Values {
    volatile double up;
    volatile double latencySeconds;
    volatile double readyReplicas;
    Tags tags;
    List<Meter> meters = List.of();
  }

  ConnectionSeries(MeterRegistry registry) {
    this.registry = registry;
  }

  static String engineOf(DatabaseConnection connection) {
    return connection.getSpec() == null || connection.getSpec().getEngine() == null
        ? UNKNOWN : connection.getSpec().getEngine().wireName();
  }

  void update(DatabaseConnection connection) {
    String key = connection.getMetadata().getNamespace() + "/" + connection.getMetadata().getName();
    Tags tags = Tags.of("namespace", connection.getMetadata().getNamespace(), "name", connection.getMetadata().getName(),
        "engine", engineOf(connection));
    boolean managed = connection.getSpec() != null && connection.getSpec().getInstance() != null;
    Values values = byKey.computeIfAbsent(key, k -> new Values());
    var status = connection.getStatus();
    values.up = status != null && Conditions.isTrue(status.getConditions(), Conditions.READY) ? 1 : 0;
    values.latencySeconds = status == null || status.getLatencyMillis() == null ? Double.NaN : status.getLatencyMillis() / 1000.0;
    values.readyReplicas = status == null || status.getInstance() == null || status.getInstance().getReadyReplicas() == null
        ? 0 : status.getInstance().getReadyReplicas();
    boolean wantsReplicas = managed;
    boolean hasReplicas = values.meters.size() == 3;
    if (!tags.equals(values.tags) || wantsReplicas != hasReplicas) {
      values.meters.forEach(registry::remove);
      values.tags = tags;
      Meter up = Gauge.builder("dbops.connection.up", values, v -> v.up).tags(tags)
          .description("1 when the DatabaseConnection is Ready (its last probe reached the database and logged in), else 0")
          .register(registry);
      Meter latency = Gauge.builder("dbops.connection.probe.latency", values, v -> v.latencySeconds).tags(tags)
          .baseUnit("seconds")
          .description("Round trip of the DatabaseConnection's last successful probe, in seconds")
          .register(registry);
      values.meters = wantsReplicas
          ? List.of(up, latency, Gauge.builder("dbops.instance.ready.replicas", values, v -> v.readyReplicas).tags(tags)
              .description("Ready replicas of the StatefulSet of a managed database instance (spec.instance)")
              .register(registry))
          : List.of(up, latency);
    }
  }

  void remove(DatabaseConnection connection) {
    Values values = byKey.remove(connection.getMetadata().getNamespace() + "/" + connection.getMetadata().getName());
    if (values != null) {
      values.meters.forEach(registry::remove);
    }
  }
}
