package io.dbops.schemaoperator.controller.common;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The event sources over one kind (Secrets, ConfigMaps) of a controller's namespaces, each with a
 * {@link MetadataOnlyStore}: they wake the controller when a referenced object appears or changes,
 * and hold names and versions only; {@link #content} reads what a reconcile needs.
 *
 * <p>One event source per watched namespace, each with a store of its own: java-operator-sdk gives
 * the store of a configuration to every namespace's informer, and an informer's relist removes from
 * its store whatever its own namespace's list lacks, which would be every other namespace's objects.
 */
public final class MetadataOnlyInformers<T extends HasMetadata> {
  private static final String ALL = "";
  private final Class<T> type;
  private final Supplier<MetadataOnlyStore<T>> newStore;
  /** Namespace -> store; under "" the one store when every namespace is watched. */
  private final Map<String, MetadataOnlyStore<T>> stores = new ConcurrentHashMap<>();
  private final Map<String, InformerEventSource<T, ?>> sources = new ConcurrentHashMap<>();
  private volatile KubernetesClient client;

  private MetadataOnlyInformers(Class<T> type, Supplier<MetadataOnlyStore<T>> newStore) {
    this.type = type;
    this.newStore = newStore;
  }

  public static MetadataOnlyInformers<Secret> secrets() {
    return new MetadataOnlyInformers<>(Secret.class, MetadataOnlyStore::secrets);
  }

  public static MetadataOnlyInformers<ConfigMap> configMaps() {
    return new MetadataOnlyInformers<>(ConfigMap.class, MetadataOnlyStore::configMaps);
  }

  /**
   * The event sources for {@code context}'s controller, to return from prepareEventSources; called
   * once per controller.
   *
   * @param indexers added to every source; {@link #byIndex} looks them up
   */
  public <P extends HasMetadata> List<InformerEventSource<T, P>> eventSources(EventSourceContext<P> context,
      SecondaryToPrimaryMapper<T> mapper, Map<String, Function<T, List<String>>> indexers) {
    client = context.getClient();
    Set<String> namespaces = context.getControllerConfiguration().getEffectiveNamespaces();
    List<String> partitions = InformerConfiguration.allNamespacesWatched(namespaces) ? List.of(ALL) : List.copyOf(namespaces);
    List<InformerEventSource<T, P>> created = new ArrayList<>();
    for (String namespace : partitions) {
      MetadataOnlyStore<T> store = newStore.get();
      InformerEventSourceConfiguration.Builder<T> configuration = InformerEventSourceConfiguration
          .from(type, context.getPrimaryResourceClass())
          .withName(type.getSimpleName().toLowerCase(Locale.ROOT) + (namespace.equals(ALL) ? "" : "-" + namespace))
          .withItemStore(store)
          .withInformerListLimit(MetadataOnlyStore.LIST_PAGE)
          .withSecondaryToPrimaryMapper(mapper);
      if (!namespace.equals(ALL)) {
        configuration.withNamespaces(Set.of(namespace));
      }
      InformerEventSource<T, P> source = new InformerEventSource<>(configuration.build(), context);
      if (!indexers.isEmpty()) {
        source.addIndexers(indexers);
      }
      stores.put(namespace, store);
      sources.put(namespace, source);
      created.add(source);
    }
    return created;
  }

  /**
   * The object with its content, from memory while the informer has seen no change since it was last
   * read, else from the API server. Empty when it does not exist, or before the event sources exist.
   */
  public Optional<T> content(String namespace, String name) {
    KubernetesClient reader = client;
    if (reader == null) {
      return Optional.empty();
    }
    MetadataOnlyStore<T> store = stores.getOrDefault(namespace, stores.get(ALL));
    if (store == null) {
      return Optional.ofNullable(reader.resources(type).inNamespace(namespace).withName(name).get());
    }
    return store.content(reader, namespace, name);
  }

  /** Objects of {@code namespace} under an index key (metadata only). */
  public List<T> byIndex(String namespace, String index, String key) {
    InformerEventSource<T, ?> source = sources.getOrDefault(namespace, sources.get(ALL));
    return source == null ? List.of() : source.byIndex(index, key);
  }
}
