package io.dbops.schemaoperator.controller.schemaset;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Child names another DatabaseSchema holds, as a create found out. The set controller's cache holds
 * only labelled schemas, so an unlabelled namesake shows only as a refused create; remembering it
 * for a while keeps the rollout from trying (and counting it as a canary) at every reconcile. It is
 * a cache of a fact, not rollout state: after a restart one create finds it out again.
 */
final class NameConflicts {
  static final Duration REMEMBERED = Duration.ofMinutes(1);
  private record Entry(String message, Instant until) {}
  private final Map<String, Entry> taken = new ConcurrentHashMap<>();

  void taken(String namespace, String name, String message, Instant now) {
    taken.put(namespace + "/" + name, new Entry(message, now.plus(REMEMBERED)));
  }

  Optional<String> message(String namespace, String name, Instant now) {
    String key = namespace + "/" + name;
    Entry entry = taken.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!now.isBefore(entry.until())) {
      taken.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.message());
  }
}
