package io.dbops.schemaoperator.bench;

import static io.dbops.schemaoperator.bench.JvmFigures.heapAfterGc;
import static io.dbops.schemaoperator.bench.JvmFigures.jvmOptions;
import static io.dbops.schemaoperator.bench.JvmFigures.mib;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What other applications' Secrets and ConfigMaps cost the operator's heap: the operator watches
 * every Secret and ConfigMap of its namespaces (to heal a missing one the moment it is created) but
 * keeps only their names and versions. Measured on the mock API server in one JVM: the heap after
 * a full GC with the operator running, less the same without it, first with no unrelated objects,
 * then with 10,000 Secrets and 10,000 ConfigMaps (about 4 KiB and 2 KiB each, like TLS Secrets
 * applied with kubectl and small configuration files) spread over 10 namespaces. For comparison, the
 * same objects held by stock informers, as the operator held them before.
 *
 * <p>Run: {@code mvn -B -pl operator -Pbench test -Dtest=InformerFootprintBenchmark}; figures also go
 * to target/bench/informer-footprint.txt. Knob: {@code bench.objects} (10000 of each kind).
 */
class InformerFootprintBenchmark {
  private static final int OBJECTS = Integer.getInteger("bench.objects", 10_000);
  private static final int NAMESPACES = 10;

  @Test
  void tenThousandUnrelatedSecretsAndConfigMaps() throws Exception {
    List<String> lines = new ArrayList<>();
    try (MockCluster cluster = MockCluster.startIndexed()) {
      Cost empty = operatorCost(cluster);
      long start = System.nanoTime();
      populate(cluster.client());
      double populateSeconds = (System.nanoTime() - start) / 1e9;
      assertThat(cluster.client().secrets().inAnyNamespace().list().getItems()).hasSizeGreaterThanOrEqualTo(OBJECTS);
      Cost full = operatorCost(cluster);
      long stock = stockInformerCost(cluster);

      lines.add("informer footprint benchmark: the operator's heap after a full GC (operator running less before it started,"
          + " mock API server in the same JVM), max heap " + mib(Runtime.getRuntime().maxMemory()) + " MiB, Java "
          + Runtime.version().feature() + ", JVM options " + jvmOptions());
      lines.add(String.format(Locale.ROOT, "created %d Secrets and %d ConfigMaps in %d namespaces in %.1f s", OBJECTS, OBJECTS,
          NAMESPACES, populateSeconds));
      lines.add(String.format(Locale.ROOT, "operator, no unrelated objects: %.1f MiB right after start, %.1f MiB settled",
          mibExact(empty.atStart()), mibExact(empty.settled())));
      lines.add(String.format(Locale.ROOT, "operator, with them: %.1f MiB right after start (the first list's events, each with its"
          + " whole object, still being handed over), %.1f MiB settled", mibExact(full.atStart()), mibExact(full.settled())));
      lines.add(String.format(Locale.ROOT, "stock informers over the same Secrets and ConfigMaps (content kept, as before): %.1f MiB",
          mibExact(stock)));
      lines.add(String.format(Locale.ROOT, "%d unrelated Secrets and %d ConfigMaps cost the operator %.1f MiB of heap (stock informers: %.1f MiB)",
          OBJECTS, OBJECTS, mibExact(full.settled() - empty.settled()), mibExact(stock)));
    }
    Path out = Path.of("target", "bench", "informer-footprint.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    lines.forEach(System.out::println);
  }

  /** What the operator holds, all namespaces watched, nothing to reconcile: right after start and once settled. */
  private record Cost(long atStart, long settled) {}

  /**
   * The operator's heap less the heap before it started. Its start returns once the informers have
   * listed everything; the events of that first list, each carrying its whole object, are still being
   * handed to the controllers for a moment, so the heap is sampled until it stops moving.
   */
  private static Cost operatorCost(MockCluster cluster) throws InterruptedException {
    long without = settledHeap();
    RunningOperator operator = RunningOperator.start(cluster, "schema-operator-footprint",
        RunningOperator.Options.defaults().concurrency(2).image("ghcr.io/dbops/schema-operator:bench").withoutHttp(), scrape -> {});
    try {
      assertThat(operator.ready()).isTrue();
      long atStart = heapAfterGc() - without;
      return new Cost(atStart, settledHeap() - without);
    } finally {
      operator.close();
    }
  }

  /** Two fabric8 informers with their stock stores, over every Secret and ConfigMap. */
  private static long stockInformerCost(MockCluster cluster) throws InterruptedException {
    long without = settledHeap();
    KubernetesClient client = cluster.newClient();
    SharedIndexInformer<?> secrets = client.secrets().inAnyNamespace().inform();
    SharedIndexInformer<?> configMaps = client.configMaps().inAnyNamespace().inform();
    try {
      while (!secrets.hasSynced() || !configMaps.hasSynced()) {
        Thread.sleep(100);
      }
      assertThat(secrets.getStore().list()).hasSizeGreaterThanOrEqualTo(OBJECTS);
      return settledHeap() - without;
    } finally {
      secrets.close();
      configMaps.close();
    }
  }

  private static void populate(KubernetesClient client) throws Exception {
    Random random = new Random(42);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < OBJECTS; i++) {
      String namespace = "apps-" + (i % NAMESPACES);
      String name = String.format(Locale.ROOT, "app-%05d", i);
      String key = base64(random, 1700);
      String settings = base64(random, 1500);
      writes.add(pool.submit(() -> client.resource(new SecretBuilder()
          .withNewMetadata().withName(name + "-tls").withNamespace(namespace)
          .addToLabels("app.kubernetes.io/name", name)
          .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"tls.key\":\"" + key + "\"}}")
          .endMetadata()
          .withType("kubernetes.io/tls")
          .withData(Map.of("tls.key", key, "tls.crt", key.substring(0, 1200)))
          .build()).create()));
      writes.add(pool.submit(() -> client.resource(new ConfigMapBuilder()
          .withNewMetadata().withName(name + "-settings").withNamespace(namespace).addToLabels("app.kubernetes.io/name", name)
          .endMetadata()
          .withData(Map.of("application.yaml", settings))
          .build()).create()));
    }
    for (Future<?> write : writes) {
      write.get();
    }
    pool.shutdown();
  }

  private static String base64(Random random, int bytes) {
    byte[] data = new byte[bytes];
    random.nextBytes(data);
    return Base64.getEncoder().encodeToString(data);
  }

  /** The heap after a full GC once two samples two seconds apart differ by less than 1 MiB (at most a minute). */
  private static long settledHeap() throws InterruptedException {
    long previous = heapAfterGc();
    for (int i = 0; i < 30; i++) {
      Thread.sleep(2000);
      long now = heapAfterGc();
      if (Math.abs(now - previous) < 1024 * 1024) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  private static double mibExact(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
