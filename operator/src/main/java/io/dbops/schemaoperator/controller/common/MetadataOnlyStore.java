package io.dbops.schemaoperator.controller.common;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The store of an informer over Secrets or ConfigMaps that keeps, of each object, only what tells
 * that it exists and when it changed: name, namespace, uid, resourceVersion, labels and owner
 * references. An informer watches every Secret (or ConfigMap) of the watched namespaces, so that a
 * missing one heals the moment it is created and a changed one is noticed; with the stock store it
 * would also hold all their contents, which are mostly other applications' and, for Secrets, their
 * credentials. Here content is read on demand ({@link #content}) and kept only for the objects read,
 * and only as long as it is their current version: the informer's next event for such an object
 * carries the new content along, so a referenced object is read from the API server once.
 *
 * <p>Events still carry the whole object (fabric8 has no metadata-only watch), so event handlers and
 * secondary-to-primary mappers see everything; only what the informer keeps is cut down.
 */
final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {
  /** A page of the informer's list: 10,000 Secrets are not one response held in memory at once. */
  static final long LIST_PAGE = 500;

  private final Class<T> type;
  private final Supplier<T> empty;
  /** Key -> what is kept; replaced whole, so a reader never sees a skeleton and content of two versions. */
  private final Map<String, Kept<T>> kept = new ConcurrentHashMap<>();

  /** An object's skeleton, and its content when it was read at that very version (else null). */
  private record Kept<T>(T skeleton, T content) {}

  private MetadataOnlyStore(Class<T> type, Supplier<T> empty) {
    this.type = type;
    this.empty = empty;
  }

  static MetadataOnlyStore<Secret> secrets() {
    return new MetadataOnlyStore<>(Secret.class, () -> {
      Secret secret = new Secret();
      secret.setData(Map.of());
      secret.setStringData(Map.of());
      return secret;
    });
  }

  static MetadataOnlyStore<ConfigMap> configMaps() {
    return new MetadataOnlyStore<>(ConfigMap.class, () -> {
      ConfigMap configMap = new ConfigMap();
      configMap.setData(Map.of());
      configMap.setBinaryData(Map.of());
      return configMap;
    });
  }

  /**
   * The object with its content: from memory when the informer has seen no change since it was last
   * read, otherwise from the API server. Empty when the API server does not have it.
   */
  Optional<T> content(KubernetesClient client, String namespace, String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    Kept<T> known = kept.get(key);
    if (known != null && known.content() != null) {
      return Optional.of(known.content());
    }
    T read = client.resources(type).inNamespace(namespace).withName(name).get();
    if (read != null) {
      // Kept only when it is the version the informer knows: an older read must not outlive a newer event.
      kept.computeIfPresent(key, (k, now) -> sameVersion(now.skeleton(), read) ? new Kept<>(now.skeleton(), read) : now);
    }
    return Optional.ofNullable(read);
  }

  /** How many objects' contents are held: those read since their last change. */
  int contentsHeld() {
    return (int) kept.values().stream().filter(k -> k.content() != null).count();
  }

  @Override
  public T put(String key, T object) {
    T skeleton = skeleton(object);
    List<T> previous = new ArrayList<>(1);
    // Read before: the event's object is the new content, so the next read needs no request.
    kept.compute(key, (k, before) -> {
      previous.add(before == null ? null : before.skeleton());
      return new Kept<>(skeleton, before != null && before.content() != null ? object : null);
    });
    return previous.get(0);
  }

  @Override
  public T remove(String key) {
    Kept<T> previous = kept.remove(key);
    return previous == null ? null : previous.skeleton();
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T get(String key) {
    Kept<T> known = kept.get(key);
    return known == null ? null : known.skeleton();
  }

  @Override
  public Stream<String> keySet() {
    return kept.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return kept.values().stream().map(Kept::skeleton);
  }

  @Override
  public int size() {
    return kept.size();
  }

  /** Empty collections are shared immutable ones: nothing per object, and no null for code that reads them. */
  private T skeleton(T object) {
    ObjectMeta full = object.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(full.getName());
    meta.setNamespace(full.getNamespace());
    meta.setUid(full.getUid());
    meta.setResourceVersion(full.getResourceVersion());
    meta.setDeletionTimestamp(full.getDeletionTimestamp());
    meta.setLabels(full.getLabels() == null || full.getLabels().isEmpty() ? Map.of() : full.getLabels());
    meta.setOwnerReferences(full.getOwnerReferences() == null || full.getOwnerReferences().isEmpty() ? List.of() : full.getOwnerReferences());
    meta.setAnnotations(Map.of());
    meta.setFinalizers(List.of());
    meta.setManagedFields(List.of());
    T skeleton = empty.get();
    skeleton.setMetadata(meta);
    return skeleton;
  }

  private static boolean sameVersion(HasMetadata a, HasMetadata b) {
    return Objects.equals(a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion());
  }
}
