package io.dbops.schemaoperator.jobenv;

import java.nio.file.Path;
import java.util.List;

/**
 * JVM options for the short-lived `migrate` process a Job starts. Most of its wall time is class
 * loading and JIT warm-up, not SQL: a class-data-sharing archive made by a training run lets the
 * JVM map classes instead of parsing them, C1 alone compiles soon enough for a run of seconds, and
 * the serial collector starts fastest on a small heap.
 */
public final class MigrateJvm {
  private MigrateJvm() {}

  public static List<String> options(Path classDataArchive) {
    return List.of(
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xshare:auto",
        "-XX:SharedArchiveFile=" + classDataArchive);
  }

  /** Options for the training run that writes the archive when the JVM exits. */
  public static List<String> trainingOptions(Path classDataArchive) {
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + classDataArchive);
  }
}
