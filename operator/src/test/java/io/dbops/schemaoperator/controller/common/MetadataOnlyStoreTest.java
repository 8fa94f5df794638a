package io.dbops.schemaoperator.controller.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real fabric8 informer over every Secret of a namespace on the mock API server, with this store:
 * what it keeps of each Secret, and when a reconcile's read of one goes to the API server.
 */
class MetadataOnlyStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static MockCluster cluster;
  /** What the API server answered since the last count. */
  private static final java.util.Queue<ApiCall> CALLS = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private KubernetesClient client;
  /** The reconcile's client, told apart from the test's in the request log. */
  private KubernetesClient reader;
  private String ns;
  private MetadataOnlyStore<Secret> store;
  private SharedIndexInformer<Secret> informer;

  @BeforeAll
  static void startCluster() {
    cluster = MockCluster.start();
    cluster.onRequest(CALLS::add);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void startInformer() {
    client = cluster.client();
    reader = cluster.newClient("reconcile");
    ns = "store" + SEQUENCE.incrementAndGet();
    store = MetadataOnlyStore.secrets();
    informer = client.secrets().inNamespace(ns).withLimit(MetadataOnlyStore.LIST_PAGE).runnableInformer(0).itemStore(store);
    informer.run();
  }

  @AfterEach
  void stopInformer() {
    informer.close();
  }

  @Test
  void the_informer_keeps_names_versions_labels_and_owners_but_no_content_nor_annotations() {
    client.resource(new SecretBuilder().withNewMetadata().withName("tls").withNamespace(ns).withLabels(Map.of("team", "a"))
        .withAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"tls.key\":\"c2VjcmV0\"}}"))
        .endMetadata().withStringData(Map.of("tls.key", "secret")).build()).create();

    await("the informer has it", () -> store.get(ns + "/tls") != null);
    Secret kept = store.get(ns + "/tls");
    assertThat(kept.getData()).isEmpty();
    assertThat(kept.getStringData()).isEmpty();
    assertThat(kept.getMetadata().getAnnotations()).isEmpty();
    assertThat(kept.getMetadata().getManagedFields()).isEmpty();
    assertThat(kept.getMetadata().getLabels()).containsEntry("team", "a");
    assertThat(kept.getMetadata().getResourceVersion()).isNotNull();
    assertThat(informer.getStore().getByKey(ns + "/tls")).as("what the informer answers with").isSameAs(kept);
    assertThat(store.contentsHeld()).isZero();
  }

  @Test
  void a_read_goes_to_the_api_server_once_and_a_change_brings_its_new_content_along() {
    cluster.secret(ns, "login", Map.of("password", "first"));
    await("the informer has it", () -> store.get(ns + "/login") != null);
    CALLS.clear();

    assertThat(password(store.content(reader, ns, "login").orElseThrow())).isEqualTo("first");
    assertThat(password(store.content(reader, ns, "login").orElseThrow())).isEqualTo("first");
    assertThat(reads("login")).as("one GET for two reads").isEqualTo(1);
    assertThat(store.contentsHeld()).isOne();

    cluster.secret(ns, "login", Map.of("password", "second"));
    await("the change arrives", () -> password(store.content(reader, ns, "login").orElseThrow()).equals("second"));
    assertThat(reads("login")).as("the event carried the new content").isZero();

    client.secrets().inNamespace(ns).withName("login").delete();
    await("the deletion arrives", () -> store.get(ns + "/login") == null);
    assertThat(store.contentsHeld()).isZero();
    assertThat(store.content(reader, ns, "login")).isEmpty();
  }

  @Test
  void a_secret_the_informer_has_not_seen_yet_is_read_from_the_api_server_and_not_kept() {
    informer.stop();
    cluster.secret(ns, "late", Map.of("password", "p"));
    Secret read = store.content(reader, ns, "late").orElseThrow();

    assertThat(password(read)).isEqualTo("p");
    assertThat(store.contentsHeld()).as("no version to check it against").isZero();
    assertThat(store.content(reader, ns, "missing")).isEmpty();
  }

  @Test
  void a_version_newer_than_the_informer_knows_is_answered_but_not_kept() {
    cluster.secret(ns, "racy", Map.of("password", "old"));
    await("the informer has it", () -> store.get(ns + "/racy") != null);
    informer.stop();
    cluster.secret(ns, "racy", Map.of("password", "new"));

    assertThat(password(store.content(reader, ns, "racy").orElseThrow())).isEqualTo("new");
    assertThat(store.contentsHeld()).as("kept only once the informer has seen that version too").isZero();
  }

  private int reads(String name) {
    int gets = 0;
    for (ApiCall call = CALLS.poll(); call != null; call = CALLS.poll()) {
      if ("GET".equals(call.method()) && call.path().endsWith("/namespaces/" + ns + "/secrets/" + name)
          && "reconcile".equals(call.userAgent())) {
        gets++;
      }
    }
    return gets;
  }

  private static String password(Secret secret) {
    return secret.getStringData() != null && secret.getStringData().containsKey("password") ? secret.getStringData().get("password")
        : new String(java.util.Base64.getDecoder().decode(secret.getData().get("password")), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + WAIT.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted: " + what);
      }
    }
  }
}
