package io.dbops.schemaoperator.controller.connection;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.SecretReader;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.controller.common.StatusWriter;
import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseConnectionStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a DatabaseConnection's status true: reads its Secret, probes the database, creates the
 * database when asked, and probes again every healthCheck.intervalSeconds. Creating a missing
 * Secret later heals the connection through the Secret event source, with no other change.
 */
@ControllerConfiguration(name = "databaseconnection")
public final class ConnectionReconciler implements Reconciler<DatabaseConnection> {
  static final int DEFAULT_INTERVAL_SECONDS = 60;
  static final Duration TRANSIENT_RETRY = Duration.ofSeconds(15);

  private final ConnectionProbe probe;
  private final Path caDirectory;
  private volatile InformerEventSource<Secret, DatabaseConnection> secrets;

  public ConnectionReconciler(ConnectionProbe probe, Path caDirectory) {
    this.probe = probe;
    this.caDirectory = caDirectory;
  }

  @Override
  public List<EventSource<?, DatabaseConnection>> prepareEventSources(EventSourceContext<DatabaseConnection> context) {
    InformerEventSourceConfiguration<Secret> secrets = InformerEventSourceConfiguration
        .from(Secret.class, DatabaseConnection.class)
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .list(secret.getMetadata().getNamespace())
            .filter(c -> referencedSecrets(c.getSpec()).contains(secret.getMetadata().getName()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    this.secrets = new InformerEventSource<>(secrets, context);
    return List.of(this.secrets);
  }

  /**
   * A Secret as this controller's informer last saw it, without asking the API server. Empty when it
   * is not in the cache: not there, or the informer has not seen it yet; callers that must know ask
   * the API server then.
   */
  public Optional<Secret> cachedSecret(String namespace, String name) {
    InformerEventSource<Secret, DatabaseConnection> source = secrets;
    return source == null ? Optional.empty() : source.get(new ResourceID(name, namespace));
  }

  static Set<String> referencedSecrets(DatabaseConnectionSpec spec) {
    if (spec == null) {
      return Set.of();
    }
    java.util.HashSet<String> names = new java.util.HashSet<>();
    if (spec.getCredentials() != null) {
      names.add(spec.getCredentials().getSecretName());
    }
    if (spec.getUrlFrom() != null && spec.getUrlFrom().getSecretKeyRef() != null) {
      names.add(spec.getUrlFrom().getSecretKeyRef().getName());
    }
    if (spec.getTls() != null && spec.getTls().getCaSecretRef() != null) {
      names.add(spec.getTls().getCaSecretRef().getName());
    }
    return names;
  }

  @Override
  public UpdateControl<DatabaseConnection> reconcile(DatabaseConnection connection, Context<DatabaseConnection> context) {
    StatusWriter writer = new StatusWriter(context.getClient());
    EventRecorder events = new EventRecorder(context.getClient());
    DatabaseConnectionStatus previous = connection.getStatus() == null ? new DatabaseConnectionStatus() : connection.getStatus();
    Verdict verdict = assess(connection, context);
    DatabaseConnectionStatus next = verdict.status(previous, connection.getMetadata().getGeneration());
    writer.write(connection, connection.getStatus(), next);
    String previousReason = Conditions.find(previous.getConditions(), Conditions.READY).map(c -> c.getReason()).orElse(null);
    if (!verdict.ready() && !verdict.reason().equals(previousReason)) {
      events.warning(connection, "ConnectionFailed", verdict.message());
    }
    return UpdateControl.<DatabaseConnection>noUpdate().rescheduleAfter(verdict.recheckAfter());
  }

  private Verdict assess(DatabaseConnection connection, Context<DatabaseConnection> context) {
    DatabaseConnectionSpec spec = connection.getSpec();
    Duration interval = Duration.ofSeconds(spec.getHealthCheck() == null || spec.getHealthCheck().getIntervalSeconds() == null
        ? DEFAULT_INTERVAL_SECONDS : spec.getHealthCheck().getIntervalSeconds());
    String endpoint = spec.getUrlFrom() != null ? "(urlFrom Secret)" : spec.getHost() + ":" + spec.effectivePort();
    if (spec.getInstance() != null) {
      return Verdict.stalled("InstanceNotSupported",
          "spec.instance (an operator-managed database) is not supported by this version yet: use host with a database you run",
          endpoint, interval);
    }
    String namespace = connection.getMetadata().getNamespace();
    SecretReader secrets = new SecretReader(name -> cachedSecret(namespace, name).or(() -> Optional.ofNullable(
        context.getClient().secrets().inNamespace(namespace).withName(name).get())));
    Lookup<Login> login = secrets.login(spec);
    if (!login.found()) {
      return Verdict.stalled(login.reason(), login.message(), endpoint, interval);
    }
    Lookup<String> ca = secrets.caCertificate(spec);
    if (!ca.found()) {
      return Verdict.stalled(ca.reason(), ca.message(), endpoint, interval);
    }
    ConnectionSettings settings;
    try {
      settings = ConnectionSettings.from(spec, caFile(connection, ca.value()));
    } catch (ConfigurationException e) {
      return Verdict.stalled(FailureReason.ConfigurationInvalid.name(), e.getMessage(), endpoint, interval);
    }
    ConnectionProbe.Outcome outcome = probe.probe(settings, login.value());
    if (!outcome.reachable() && outcome.failure().reason() == FailureReason.DatabaseMissing && settings.createDatabase()) {
      MigrationFailure creation = probe.createDatabase(settings, login.value());
      outcome = creation == null ? probe.probe(settings, login.value()) : new ConnectionProbe.Outcome(false, null, 0, creation);
    }
    if (outcome.reachable()) {
      return new Verdict(true, "Connected", "connected to " + outcome.serverVersion(), false, endpoint,
          outcome.serverVersion(), outcome.latencyMillis(), interval);
    }
    MigrationFailure failure = outcome.failure();
    if (failure.transientError()) {
      return new Verdict(false, failure.reason().name(), failure.message(), false, endpoint, null, null,
          interval.compareTo(TRANSIENT_RETRY) < 0 ? interval : TRANSIENT_RETRY);
    }
    return Verdict.stalled(failure.reason().name(), failure.message(), endpoint, interval);
  }

  private Path caFile(DatabaseConnection connection, String pem) {
    if (pem == null || pem.isEmpty()) {
      return null;
    }
    try {
      Files.createDirectories(caDirectory);
      Path file = caDirectory.resolve(connection.getMetadata().getNamespace() + "_" + connection.getMetadata().getName() + ".pem");
      Files.writeString(file, pem, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What this probe found, ready to become status. */
  record Verdict(boolean ready, String reason, String message, boolean stalled, String endpoint, String serverVersion,
      Long latencyMillis, Duration recheckAfter) {

    static Verdict stalled(String reason, String message, String endpoint, Duration recheck) {
      return new Verdict(false, reason, message, true, endpoint, null, null, recheck);
    }

    DatabaseConnectionStatus status(DatabaseConnectionStatus previous, Long generation) {
      DatabaseConnectionStatus s = new DatabaseConnectionStatus();
      s.setObservedGeneration(generation);
      var conditions = Conditions.with(previous.getConditions(), Conditions.READY, ready, reason, message, generation);
      conditions = Conditions.with(conditions, Conditions.RECONCILING, !ready && !stalled,
          ready || stalled ? reason : "Retrying", ready || stalled ? "" : "retrying: " + message, generation);
      conditions = Conditions.with(conditions, Conditions.STALLED, stalled, reason, stalled ? message : "", generation);
      s.setConditions(conditions);
      s.setEndpoint(endpoint);
      s.setServerVersion(ready ? serverVersion : previous.getServerVersion());
      s.setLatencyMillis(ready ? latencyMillis : null);
      s.setLastProbeTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      s.setInstance(previous.getInstance());
      return s;
    }
  }
}
