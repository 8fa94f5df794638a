package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * fabric8's CRUD dispatcher with its store indexed by kind, namespace and name. The stock
 * dispatcher compares every stored object against every request, so with thousands of objects the
 * mock server, not the code under test, sets the pace (a few milliseconds a request, one request at
 * a time while anything writes). The index only narrows down the candidates: each one still has to
 * match the request exactly as before, so answers are the stock ones. Lists that find nothing, watches
 * and deletes take the stock path.
 */
final class IndexedCrudDispatcher extends ClusterDispatcher {
  private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;
  private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;
  private static final String NAME = KubernetesAttributesExtractor.NAME;

  private final IndexedStore store = new IndexedStore();
  private final Lock readLock;
  private final AtomicLong resourceVersion;
  private final KubernetesResponseComposer composer = new KubernetesResponseComposer();

  IndexedCrudDispatcher() {
    // The stock dispatcher keeps these to itself; the indexed reads need the same store, lock and
    // resourceVersion counter, or they would answer differently from the paths left to it.
    set(CrudDispatcher.class, "map", store);
    this.readLock = ((ReadWriteLock) get(KubernetesCrudDispatcher.class, "lock")).readLock();
    this.resourceVersion = (AtomicLong) get(KubernetesCrudDispatcher.class, "resourceVersion");
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    Collection<AttributeSet> candidates = store.candidates(attributes);
    if (candidates == null) {
      return super.findResource(attributes);
    }
    for (AttributeSet key : candidates) {
      String value = store.get(key);
      if (value != null && key.matches(attributes)) {
        return Map.entry(key, value);
      }
    }
    return null;
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=true")) {
      return super.handleGet(path);
    }
    AttributeSet query = attributeExtractor.fromPath(path);
    List<String> items = new ArrayList<>();
    readLock.lock();
    try {
      Collection<AttributeSet> candidates = store.candidates(query);
      if (candidates == null) {
        return super.handleGet(path);
      }
      for (AttributeSet key : candidates) {
        String value = store.get(key);
        if (value != null && key.matches(query)) {
          items.add(value);
        }
      }
      if (query.containsKey(NAME)) {
        return items.isEmpty()
            ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
            : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(items.get(0));
      }
      if (items.isEmpty()) {
        // An empty list may be an API discovery request, which the stock path knows how to answer.
        return super.handleGet(path);
      }
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
          .setBody(composer.compose(items, String.valueOf(resourceVersion.get())));
    } finally {
      readLock.unlock();
    }
  }

  private Object get(Class<?> owner, String field) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this fabric8 mock server has no field " + owner.getSimpleName() + "." + field
          + ": update IndexedCrudDispatcher", e);
    }
  }

  private void set(Class<?> owner, String field, Object value) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      f.set(this, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this fabric8 mock server has no field " + owner.getSimpleName() + "." + field
          + ": update IndexedCrudDispatcher", e);
    }
  }

  /**
   * The dispatcher's store: insertion-ordered like the stock one, plus buckets of keys by kind,
   * kind and namespace, and kind, namespace and name. Every write goes through put or remove, so
   * the buckets always hold exactly the stored keys.
   */
  static final class IndexedStore implements Map<AttributeSet, String> {
    private final Map<AttributeSet, String> entries = new LinkedHashMap<>();
    private final Map<List<Attribute>, Set<AttributeSet>> buckets = new HashMap<>();

    /**
     * Keys that can match {@code query}, in insertion order: every stored key carrying the query's
     * kind, namespace and name, as far as the query names them. Null when the query names no kind.
     */
    synchronized Collection<AttributeSet> candidates(AttributeSet query) {
      Attribute plural = query.getAttribute(PLURAL);
      if (plural == null) {
        return null;
      }
      Attribute namespace = query.getAttribute(NAMESPACE);
      Attribute name = query.getAttribute(NAME);
      List<Attribute> bucket = namespace == null ? Arrays.asList(plural)
          : name == null ? Arrays.asList(plural, namespace) : Arrays.asList(plural, namespace, name);
      return new ArrayList<>(buckets.getOrDefault(bucket, Set.of()));
    }

    private static List<List<Attribute>> bucketsOf(AttributeSet key) {
      Attribute plural = key.getAttribute(PLURAL);
      if (plural == null) {
        return List.of();
      }
      Attribute namespace = key.getAttribute(NAMESPACE);
      Attribute name = key.getAttribute(NAME);
      List<List<Attribute>> of = new ArrayList<>();
      of.add(Arrays.asList(plural));
      if (namespace != null) {
        of.add(Arrays.asList(plural, namespace));
        if (name != null) {
          of.add(Arrays.asList(plural, namespace, name));
        }
      }
      return of;
    }

    @Override
    public synchronized String put(AttributeSet key, String value) {
      String previous = entries.remove(key);
      entries.put(key, value);
      for (List<Attribute> bucket : bucketsOf(key)) {
        Set<AttributeSet> keys = buckets.computeIfAbsent(bucket, b -> new LinkedHashSet<>());
        // Re-added at the end, as the stock store's remove-then-put moves an updated entry.
        keys.remove(key);
        keys.add(key);
      }
      return previous;
    }

    @Override
    public synchronized String remove(Object key) {
      String previous = entries.remove(key);
      if (previous != null && key instanceof AttributeSet set) {
        for (List<Attribute> bucket : bucketsOf(set)) {
          Set<AttributeSet> keys = buckets.get(bucket);
          if (keys != null) {
            keys.remove(set);
            if (keys.isEmpty()) {
              buckets.remove(bucket);
            }
          }
        }
      }
      return previous;
    }

    @Override
    public synchronized void putAll(Map<? extends AttributeSet, ? extends String> m) {
      m.forEach(this::put);
    }

    @Override
    public synchronized void clear() {
      entries.clear();
      buckets.clear();
    }

    @Override
    public synchronized String get(Object key) {
      return entries.get(key);
    }

    @Override
    public synchronized int size() {
      return entries.size();
    }

    @Override
    public synchronized boolean isEmpty() {
      return entries.isEmpty();
    }

    @Override
    public synchronized boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    @Override
    public synchronized boolean containsValue(Object value) {
      return entries.containsValue(value);
    }

    // Views are snapshots: the stock dispatcher only reads through them, and a snapshot cannot
    // change the store behind the buckets' back.
    @Override
    public synchronized Set<AttributeSet> keySet() {
      return Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
    }

    @Override
    public synchronized Collection<String> values() {
      return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    @Override
    public synchronized Set<Entry<AttributeSet, String>> entrySet() {
      Set<Entry<AttributeSet, String>> copy = new LinkedHashSet<>();
      entries.forEach((k, v) -> copy.add(Map.entry(k, v)));
      return Collections.unmodifiableSet(copy);
    }
  }
}
