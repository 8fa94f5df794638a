package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.migration.ResolvedScripts;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Checksums are worked out once per revision, and the revisions kept are bounded by their scripts. */
class ResolvedScriptsCacheTest {
  private final AtomicInteger resolved = new AtomicInteger();

  @Test
  void aRevisionIsResolvedOnceHoweverOftenItIsChecked() {
    ResolvedScriptsCache cache = new ResolvedScriptsCache(100);

    ResolvedScripts first = cache.get("hash-a", twoScripts());
    ResolvedScripts again = cache.get("hash-a", twoScripts());

    assertThat(again).isSameAs(first);
    assertThat(resolved).hasValue(1);
  }

  @Test
  void pastItsBoundTheRevisionCheckedLongestAgoGoesAndIsResolvedAgainWhenAskedFor() {
    ResolvedScriptsCache cache = new ResolvedScriptsCache(5);
    cache.get("hash-a", twoScripts());
    cache.get("hash-b", twoScripts());
    cache.get("hash-a", twoScripts());

    cache.get("hash-c", twoScripts());

    assertThat(cache.revisions()).isEqualTo(2);
    cache.get("hash-a", twoScripts());
    assertThat(resolved).as("a and c kept, b dropped").hasValue(3);
    cache.get("hash-b", twoScripts());
    assertThat(resolved).hasValue(4);
  }

  @Test
  void scriptsThatCannotBeResolvedAreNotKept() {
    ResolvedScriptsCache cache = new ResolvedScriptsCache(100);

    assertThatThrownBy(() -> cache.get("hash-a", () -> {
      throw new ConfigurationException("two scripts claim the same version");
    })).isInstanceOf(ConfigurationException.class);

    assertThat(cache.revisions()).isZero();
  }

  private Supplier<ResolvedScripts> twoScripts() {
    return () -> {
      resolved.incrementAndGet();
      return ResolvedScripts.of(Map.of("V1__a.sql", "SELECT 1;", "R__b.sql", "SELECT 2;"));
    };
  }
}
