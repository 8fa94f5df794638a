package io.dbops.schemaoperator.jobenv;

import java.nio.file.Path;
import java.util.List;

/**
 * JVM options for the short-lived `migrate` process a Job starts (Java 25, as the image runs it).
 * Most of its wall time is class loading and JIT warm-up, not SQL: an AOT cache made by a training
 * run lets the JVM start with its classes already loaded and linked, C1 alone compiles soon enough
 * for a run of seconds, and the serial collector starts fastest on a small heap.
 */
public final class MigrateJvm {
  private MigrateJvm() {}

  public static List<String> options(Path aotCache) {
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:AOTCache=" + aotCache);
  }

  /** Options for the training run that writes the cache when the JVM exits. */
  public static List<String> trainingOptions(Path aotCache) {
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:AOTCacheOutput=" + aotCache);
  }
}
