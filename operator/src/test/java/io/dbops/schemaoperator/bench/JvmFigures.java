package io.dbops.schemaoperator.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every benchmark says about the JVM it ran in and the machine around it. */
final class JvmFigures {
  private JvmFigures() {}

  static long mib(long bytes) {
    return Math.round(bytes / (1024.0 * 1024.0));
  }

  /** The -XX options this JVM was started with, which the figures depend on. */
  static List<String> jvmOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:")).toList();
  }

  /** Used heap after a few full collections, each given a moment to finish what it frees. */
  static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The 1, 5 and 15 minute load averages: how shared the machine was while the figures were taken. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
