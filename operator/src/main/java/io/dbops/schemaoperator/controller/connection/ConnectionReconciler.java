package io.dbops.schemaoperator.controller.connection;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.builders.ManagedInstance;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.ConnectionResolver;
import io.dbops.schemaoperator.controller.common.ConnectionResolver.Resolved;
import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.controller.common.LoginOwner;
import io.dbops.schemaoperator.controller.common.MetadataOnlyInformers;
import io.dbops.schemaoperator.controller.common.EventRecorder;
import io.dbops.schemaoperator.controller.common.SecretReader;
import io.dbops.schemaoperator.controller.common.SecretReader.Lookup;
import io.dbops.schemaoperator.controller.common.StatusWriter;
import io.dbops.schemaoperator.migration.ConnectionSettings;
import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.Login;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.model.ConnectionSecretRefs;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseConnectionStatus;
import io.dbops.schemaoperator.model.InstanceStatus;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a DatabaseConnection's status true: reads its Secret, probes the database, creates the
 * database when asked, and probes again every healthCheck.intervalSeconds. Creating a missing
 * Secret later heals the connection through the Secret event source, with no other change.
 */
@ControllerConfiguration(name = "databaseconnection")
public final class ConnectionReconciler implements Reconciler<DatabaseConnection> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionReconciler.class);
  static final int DEFAULT_INTERVAL_SECONDS = 60;
  static final Duration TRANSIENT_RETRY = Duration.ofSeconds(15);

  static final Duration INSTANCE_STARTING_RECHECK = Duration.ofSeconds(10);

  private final ConnectionProbe probe;
  private final ConnectionResolver resolver;
  private final InstanceAddresses instanceAddresses;
  private final ManagedInstanceDriver instances;
  /** Every Secret's name and version, and the content of those read (see {@link MetadataOnlyInformers}). */
  private final MetadataOnlyInformers<Secret> secrets = MetadataOnlyInformers.secrets();

  /** {@code policy}: which images a managed instance may run (see {@link WorkloadPolicy}). */
  public ConnectionReconciler(ConnectionProbe probe, ConnectionResolver resolver, InstanceAddresses instanceAddresses,
      WorkloadPolicy policy) {
    this.probe = probe;
    this.resolver = resolver;
    this.instanceAddresses = instanceAddresses;
    this.instances = new ManagedInstanceDriver(policy);
  }

  @Override
  public List<EventSource<?, DatabaseConnection>> prepareEventSources(EventSourceContext<DatabaseConnection> context) {
    SecondaryToPrimaryMapper<Secret> referencingConnections = secret -> context.getPrimaryCache()
        .list(secret.getMetadata().getNamespace())
        .filter(c -> referencedSecrets(c).contains(secret.getMetadata().getName()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
    // A managed instance's StatefulSet becoming ready is what lets its connection go on.
    InformerEventSourceConfiguration<StatefulSet> statefulSets = InformerEventSourceConfiguration
        .from(StatefulSet.class, DatabaseConnection.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(set -> set.getMetadata().getLabels() == null
            || !set.getMetadata().getLabels().containsKey(Labels.CONNECTION) ? Set.of()
            : Set.of(new ResourceID(set.getMetadata().getLabels().get(Labels.CONNECTION), set.getMetadata().getNamespace())))
        .build();
    List<EventSource<?, DatabaseConnection>> sources = new ArrayList<>(secrets.eventSources(context, referencingConnections, Map.of()));
    sources.add(new InformerEventSource<>(statefulSets, context));
    return sources;
  }

  /**
   * A Secret with its content: from memory when this controller's informer has seen no change since
   * it was last read, else from the API server. Empty when it does not exist (or before this
   * controller has started).
   */
  public Optional<Secret> cachedSecret(String namespace, String name) {
    return secrets.content(namespace, name);
  }

  static Set<String> referencedSecrets(DatabaseConnection connection) {
    DatabaseConnectionSpec spec = connection.getSpec();
    if (spec == null) {
      return Set.of();
    }
    if (ManagedInstance.isManaged(connection) && spec.getCredentials() == null) {
      return Set.of(ManagedInstance.adminSecretName(connection));
    }
    return ConnectionSecretRefs.of(spec).secretNames();
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
    if (connection.getSpec() == null) {
      return unreadable(connection);
    }
    if (!ManagedInstance.isManaged(connection)) {
      return probe(connection, context);
    }
    Duration interval = interval(connection.getSpec());
    String endpoint = ManagedInstance.serviceHost(connection) + ":" + ManagedInstance.port(connection);
    String namespace = connection.getMetadata().getNamespace();
    ManagedInstanceDriver.Outcome instance = instances.ensure(connection, context.getClient(),
        context.getSecondaryResource(StatefulSet.class), name -> secrets.content(namespace, name));
    if (instance.refused()) {
      return Verdict.stalled(instance.refusedReason(), instance.message(), endpoint, interval)
          .withInstance(connection.getStatus() == null ? null : connection.getStatus().getInstance());
    }
    if (!instance.ready()) {
      return new Verdict(false, "InstanceStarting", "waiting for StatefulSet " + instance.status().getStatefulSet()
          + " to have a ready replica", false, endpoint, null, null, INSTANCE_STARTING_RECHECK).withInstance(instance.status());
    }
    return probe(instanceAddresses.resolve(connection), context).withEndpoint(endpoint).withInstance(instance.status());
  }

  /**
   * A spec the model could not read (stored under an older CRD, or written past the API server's
   * checks): reported on the resource itself, and the informer and every other resource go on.
   */
  private static Verdict unreadable(DatabaseConnection connection) {
    String problem = connection.readProblem() == null ? "spec is missing" : connection.readProblem();
    String message = "the operator cannot read this DatabaseConnection (" + problem + "): correct the spec";
    String before = connection.getStatus() == null ? null : Conditions.find(connection.getStatus().getConditions(),
        Conditions.READY).map(c -> c.getMessage()).orElse(null);
    if (!message.equals(before)) {
      LOG.warn("DatabaseConnection {}/{} skipped: {}", connection.getMetadata().getNamespace(),
          connection.getMetadata().getName(), message);
    }
    return Verdict.stalled(FailureReason.ConfigurationInvalid.name(), message, null,
        Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS));
  }

  private static Duration interval(DatabaseConnectionSpec spec) {
    return Duration.ofSeconds(spec.getHealthCheck() == null || spec.getHealthCheck().getIntervalSeconds() == null
        ? DEFAULT_INTERVAL_SECONDS : spec.getHealthCheck().getIntervalSeconds());
  }

  /** Reads the login and probes the database a connection names (an instance's is resolved to its Service first). */
  private Verdict probe(DatabaseConnection connection, Context<DatabaseConnection> context) {
    DatabaseConnectionSpec spec = connection.getSpec();
    Duration interval = interval(spec);
    String endpoint = spec.getUrlFrom() != null ? "(urlFrom Secret)" : spec.getHost() + ":" + spec.effectivePort();
    String namespace = connection.getMetadata().getNamespace();
    SecretReader reader = new SecretReader(name -> secrets.content(namespace, name));
    Lookup<Resolved> resolved = resolver.resolve(spec, reader);
    if (!resolved.found()) {
      return Verdict.stalled(resolved.reason(), resolved.message(), endpoint, interval);
    }
    ConnectionSettings settings = resolved.value().settings();
    Login login = resolved.value().login();
    String owner = LoginOwner.of(connection);
    ConnectionProbe.Outcome outcome = probe.probe(owner, settings, login);
    if (!outcome.reachable() && outcome.failure().reason() == FailureReason.DatabaseMissing && settings.createDatabase()) {
      MigrationFailure creation = probe.createDatabase(settings, login);
      outcome = creation == null ? probe.probe(owner, settings, login) : new ConnectionProbe.Outcome(false, null, 0, creation);
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

  /** What this probe found, ready to become status. */
  record Verdict(boolean ready, String reason, String message, boolean stalled, String endpoint, String serverVersion,
      Long latencyMillis, Duration recheckAfter, InstanceStatus instance) {

    Verdict(boolean ready, String reason, String message, boolean stalled, String endpoint, String serverVersion,
        Long latencyMillis, Duration recheckAfter) {
      this(ready, reason, message, stalled, endpoint, serverVersion, latencyMillis, recheckAfter, null);
    }

    static Verdict stalled(String reason, String message, String endpoint, Duration recheck) {
      return new Verdict(false, reason, message, true, endpoint, null, null, recheck);
    }

    Verdict withInstance(InstanceStatus status) {
      return new Verdict(ready, reason, message, stalled, endpoint, serverVersion, latencyMillis, recheckAfter, status);
    }

    Verdict withEndpoint(String address) {
      return new Verdict(ready, reason, message, stalled, address, serverVersion, latencyMillis, recheckAfter, instance);
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
      s.setInstance(instance);
      return s;
    }
  }
}
