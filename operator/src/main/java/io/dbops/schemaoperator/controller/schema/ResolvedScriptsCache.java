package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.ResolvedScripts;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Each revision's scripts as Flyway resolves them, kept by desired hash, so a drift check compares
 * checksums worked out once per revision rather than once per check. Bounded by the number of
 * scripts held: past it the revision used longest ago goes, and is worked out again if asked for.
 */
final class ResolvedScriptsCache {
  private final int maxScripts;
  private final LinkedHashMap<String, ResolvedScripts> byHash = new LinkedHashMap<>(64, 0.75f, true);
  private int scripts;

  ResolvedScriptsCache(int maxScripts) {
    this.maxScripts = maxScripts;
  }

  /** @param resolve works the scripts out, outside any lock; it may throw, and then nothing is kept */
  ResolvedScripts get(String desiredHash, Supplier<ResolvedScripts> resolve) {
    synchronized (this) {
      ResolvedScripts known = byHash.get(desiredHash);
      if (known != null) {
        return known;
      }
    }
    ResolvedScripts resolved = resolve.get();
    synchronized (this) {
      ResolvedScripts before = byHash.put(desiredHash, resolved);
      scripts += resolved.size() - (before == null ? 0 : before.size());
      for (Iterator<Map.Entry<String, ResolvedScripts>> oldest = byHash.entrySet().iterator();
          scripts > maxScripts && oldest.hasNext(); ) {
        Map.Entry<String, ResolvedScripts> e = oldest.next();
        if (e.getKey().equals(desiredHash)) {
          continue;
        }
        scripts -= e.getValue().size();
        oldest.remove();
      }
    }
    return resolved;
  }

  synchronized int revisions() {
    return byHash.size();
  }
}
