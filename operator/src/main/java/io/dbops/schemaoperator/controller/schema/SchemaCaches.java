package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.controller.common.MetadataOnlyInformers;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the schema controller watches, and the lookups it makes through its informers' caches and
 * indexes instead of the API server. Jobs and Pods are believed only when their controller owner
 * reference names a live owner by uid ({@link Ownership}): labels alone are anyone's to write.
 */
final class SchemaCaches {
  private static final String BY_CONFIG_MAP_REF = "configMapRef";
  private static final String BY_OWNER_UID = "ownerUid";
  /** The label Kubernetes puts on a Job's Pods. */
  static final String JOB_NAME_LABEL = "job-name";

  private volatile IndexerResourceCache<DatabaseSchema> schemas;
  private volatile InformerEventSource<Job, DatabaseSchema> jobs;
  private volatile InformerEventSource<DatabaseConnection, DatabaseSchema> connections;
  /** Every ConfigMap's name and version, and the content of those read (see {@link MetadataOnlyInformers}). */
  private final MetadataOnlyInformers<ConfigMap> configMaps = MetadataOnlyInformers.configMaps();
  private volatile InformerEventSource<Pod, DatabaseSchema> pods;

  List<EventSource<?, DatabaseSchema>> prepare(EventSourceContext<DatabaseSchema> context, LockQueue lockQueue) {
    schemas = context.getPrimaryCache();
    InformerEventSourceConfiguration<Job> jobConfig = InformerEventSourceConfiguration
        .from(Job.class, DatabaseSchema.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(job -> {
          if (JobOutcome.finished(job) && trusted(job)) {
            TargetKeys.of(job).ifPresent(lockQueue::released);
          }
          return Mappers.fromOwnerReferences(DatabaseSchema.class).toPrimaryResourceIDs(job);
        })
        .build();
    InformerEventSourceConfiguration<DatabaseConnection> connectionConfig = InformerEventSourceConfiguration
        .from(DatabaseConnection.class, DatabaseSchema.class)
        // Every health probe rewrites the connection's status (probe time, latency); only a spec
        // change or a change in readiness concerns its schemas. Without this filter each probe
        // would make every schema on the connection read its database again.
        .withOnUpdateFilter((updated, previous) -> !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
            || !readiness(updated).equals(readiness(previous)))
        .withSecondaryToPrimaryMapper(connection -> context.getPrimaryCache()
            .list(connection.getMetadata().getNamespace())
            .filter(s -> s.getSpec() != null && s.getSpec().getConnectionRef() != null
                && connection.getMetadata().getName().equals(s.getSpec().getConnectionRef().getName()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    SecondaryToPrimaryMapper<ConfigMap> referencingSchemas = cm -> context.getPrimaryCache()
        .byIndex(BY_CONFIG_MAP_REF, key(cm)).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
    // Every ConfigMap event, our own scripts ConfigMaps included, looks up the schemas naming it:
    // an index, not a scan of every schema in the namespace.
    context.getPrimaryCache().addIndexer(BY_CONFIG_MAP_REF, s -> s.getSpec() == null || s.getSpec().getMigrations() == null
        ? List.of()
        : s.getSpec().getMigrations().getConfigMapRefs().stream().map(r -> s.getMetadata().getNamespace() + "/" + r.getName()).toList());
    // Our Jobs' Pods, for their termination messages. A Pod's own events wake nobody: its Job's
    // status changes too, and that event reconciles the schema.
    InformerEventSourceConfiguration<Pod> podConfig = InformerEventSourceConfiguration
        .from(Pod.class, DatabaseSchema.class)
        .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
        .withSecondaryToPrimaryMapper(pod -> Set.of())
        .build();
    jobs = new InformerEventSource<>(jobConfig, context);
    jobs.addIndexers(Map.of(TargetKeys.LABEL, job -> TargetKeys.of(job).map(List::of).orElse(List.of())));
    connections = new InformerEventSource<>(connectionConfig, context);
    List<InformerEventSource<ConfigMap, DatabaseSchema>> configMapSources = configMaps.eventSources(context, referencingSchemas,
        Map.of(BY_OWNER_UID, cm -> cm.getMetadata().getOwnerReferences() == null ? List.of()
            : cm.getMetadata().getOwnerReferences().stream().map(o -> o.getUid()).filter(Objects::nonNull).toList()));
    pods = new InformerEventSource<>(podConfig, context);
    pods.addIndexers(Map.of(JOB_NAME_LABEL, pod -> pod.getMetadata().getLabels() == null
        || pod.getMetadata().getLabels().get(JOB_NAME_LABEL) == null ? List.of()
        : List.of(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getLabels().get(JOB_NAME_LABEL))));
    List<EventSource<?, DatabaseSchema>> sources = new ArrayList<>(List.of(jobs, connections, pods, lockQueue));
    sources.addAll(configMapSources);
    return sources;
  }

  Optional<DatabaseConnection> connection(String namespace, String name) {
    return cached(connections, namespace, name);
  }

  /** A ConfigMap with its content: from memory while unchanged since it was last read, else from the API server. */
  Optional<ConfigMap> configMap(String namespace, String name) {
    return configMaps.content(namespace, name);
  }

  Optional<Job> job(String namespace, String name) {
    return cached(jobs, namespace, name);
  }

  /** A schema as the controller's own cache has it. */
  Optional<DatabaseSchema> schema(String namespace, String name) {
    IndexerResourceCache<DatabaseSchema> cache = schemas;
    return cache == null ? Optional.empty() : cache.get(new ResourceID(name, namespace));
  }

  /** Every schema the controller watches in {@code namespace}, or in all it watches when null. */
  List<DatabaseSchema> schemas(String namespace) {
    IndexerResourceCache<DatabaseSchema> cache = schemas;
    if (cache == null) {
      return List.of();
    }
    return (namespace == null ? cache.list() : cache.list(namespace)).toList();
  }

  /** The Jobs {@code schema} controls (uid checked). */
  List<Job> jobsOf(DatabaseSchema schema) {
    InformerEventSource<Job, DatabaseSchema> source = jobs;
    return source == null ? List.of()
        : source.getSecondaryResources(schema).stream().filter(job -> Ownership.controlledBy(job, schema)).toList();
  }

  /** Jobs labelled with {@code target} whose controller is a live DatabaseSchema. */
  List<Job> jobsOnTarget(String target) {
    InformerEventSource<Job, DatabaseSchema> source = jobs;
    return source == null ? List.of() : source.byIndex(TargetKeys.LABEL, target).stream().filter(this::trusted).toList();
  }

  /**
   * A Job's Pods that the Job controls: from the informer, or from the API server when the informer
   * has none yet. The Job informer may see a Job finished before the Pod informer has its Pod, and
   * without the Pod the run's result would read as lost, a failure that never happened.
   */
  List<Pod> podsOf(Job job, KubernetesClient client) {
    List<Pod> cached = podsOf(job);
    if (!cached.isEmpty()) {
      return cached;
    }
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel(JOB_NAME_LABEL, job.getMetadata().getName()).list().getItems().stream()
        .filter(pod -> Ownership.controlledBy(pod, job))
        .toList();
  }

  /** A Job's Pods that the Job controls, from the informer; empty when it has none (yet). */
  private List<Pod> podsOf(Job job) {
    InformerEventSource<Pod, DatabaseSchema> source = pods;
    if (source == null) {
      return List.of();
    }
    return source.byIndex(JOB_NAME_LABEL, job.getMetadata().getNamespace() + "/" + job.getMetadata().getName()).stream()
        .filter(pod -> Ownership.controlledBy(pod, job))
        .toList();
  }

  /** The ConfigMaps of {@code namespace} an owner with {@code uid} owns (metadata only). */
  List<ConfigMap> ownedConfigMaps(String namespace, String uid) {
    return uid == null ? List.of() : configMaps.byIndex(namespace, BY_OWNER_UID, uid);
  }

  /** The informer learns of a Job a moment after its create; until then its cache answers with this one. */
  void jobCreated(Job created) {
    jobs.handleRecentResourceCreate(ResourceID.fromResource(created), created);
  }

  /** Whether the Job's controller is a DatabaseSchema that is alive now (uid checked). */
  boolean trusted(Job job) {
    return Ownership.controller(job)
        .filter(r -> "DatabaseSchema".equals(r.getKind()))
        .flatMap(r -> schema(job.getMetadata().getNamespace(), r.getName()))
        .filter(owner -> Ownership.controlledBy(job, owner))
        .isPresent();
  }

  private static <T extends HasMetadata> Optional<T> cached(InformerEventSource<T, DatabaseSchema> source, String namespace, String name) {
    return source == null ? Optional.empty() : source.get(new ResourceID(name, namespace));
  }

  private static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  /** What a schema's reconcile takes from a connection's status: Ready, with its reason and message. */
  static List<String> readiness(DatabaseConnection connection) {
    if (connection.getStatus() == null) {
      return List.of();
    }
    return Conditions.find(connection.getStatus().getConditions(), Conditions.READY)
        .map(c -> List.of(String.valueOf(c.getStatus()), String.valueOf(c.getReason()), String.valueOf(c.getMessage())))
        .orElse(List.of());
  }
}
