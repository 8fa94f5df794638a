package io.dbops.schemaoperator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Everything /metrics serves: the JVM, java-operator-sdk's reconcile metrics and, through
 * {@link ResourceMetrics}, the state of our resources.
 */
public final class OperatorMetrics implements AutoCloseable {
  /** The Prometheus text exposition format that every Prometheus version reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public OperatorMetrics() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getDescription() == null && id.getName().startsWith("operator.sdk.")
            ? new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), describeOperatorSdk(id.getName()), id.getType())
            : id;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** java-operator-sdk registers its meters without descriptions; Prometheus users read HELP. */
  static String describeOperatorSdk(String name) {
    String rest = name.substring("operator.sdk.".length());
    if (rest.startsWith("reconciliations.executions.")) {
      return "Reconciles running now in controller " + rest.substring("reconciliations.executions.".length());
    }
    if (rest.startsWith("reconciliations.queue.size.")) {
      return "Resources waiting to be reconciled by controller " + rest.substring("reconciliations.queue.size.".length());
    }
    return switch (rest) {
      case "reconciliations.started" -> "Reconciles java-operator-sdk started, per controller";
      case "reconciliations.success" -> "Reconciles that finished without an exception";
      case "reconciliations.failed" -> "Reconciles that ended in an exception (java-operator-sdk retries them)";
      case "reconciliations.retries.number", "reconciliations.retries.last" -> "Retries of reconciles that failed";
      case "events.received" -> "Events java-operator-sdk received from its informers";
      case "events.delete" -> "Deletions java-operator-sdk received from its informers";
      default -> rest.startsWith("controllers.execution.")
          ? "Outcome and duration of controller executions (" + rest.substring("controllers.execution.".length()) + ")"
          : "java-operator-sdk: " + rest;
    };
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * java-operator-sdk's reconcile counts and timings per controller. Not per resource: a series per
   * resource and outcome would grow with every resource ever seen.
   */
  public Metrics reconcileMetrics() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
