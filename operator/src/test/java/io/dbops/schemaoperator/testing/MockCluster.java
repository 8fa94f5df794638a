package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * fabric8's mock API server in CRUD mode with our generated CRDs posted, so the status
 * subresource behaves. It stands in for a cluster: it stores and watches, it never runs anything.
 * Every request it answers goes to the listeners ({@link #onRequest}).
 */
public final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final ClusterDispatcher dispatcher;
  private final KubernetesClient client;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<Consumer<ApiCall>> listeners = new CopyOnWriteArrayList<>();

  private MockCluster(KubernetesMockServer server, ClusterDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
    dispatcher.listener(this::answered);
    this.client = newClient();
  }

  public static MockCluster start() {
    return start(new ClusterDispatcher());
  }

  /**
   * The same, with the store indexed by kind, namespace and name: for thousands of objects, where
   * the stock store's scan of every object on every request would set the pace.
   */
  public static MockCluster startIndexed() {
    return start(new IndexedCrudDispatcher());
  }

  /**
   * The same, with some requests answered by {@code refusals} (those it returns a response for), as
   * an API server that refuses them would: a 422 for an invalid object, a 403 over a quota.
   */
  public static MockCluster startRefusing(Function<RecordedRequest, Optional<MockResponse>> refusals) {
    ClusterDispatcher dispatcher = new ClusterDispatcher();
    dispatcher.refuse(refusals);
    return start(dispatcher);
  }

  private static MockCluster start(ClusterDispatcher dispatcher) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    try {
      server.init(InetAddress.getLoopbackAddress(), 0);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the mock API server", e);
    }
    MockCluster cluster = new MockCluster(server, dispatcher);
    cluster.loadCrds();
    return cluster;
  }

  private void loadCrds() {
    try (var files = Files.list(Path.of("..", "crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ../crds", e);
    }
  }

  /** The client tests use to act as a person would. */
  public KubernetesClient client() {
    return client;
  }

  /** A fresh client to the same server, as a restarted operator process would have. */
  public KubernetesClient newClient() {
    KubernetesClient fresh = server.createClient();
    clients.add(fresh);
    return fresh;
  }

  /** A fresh client that names itself {@code userAgent} in every request, to tell replicas apart in the request log. */
  public KubernetesClient newClient(String userAgent) {
    KubernetesClient fresh = server.createClient(b -> b.editOrNewConfig().withUserAgent(userAgent).endConfig());
    clients.add(fresh);
    return fresh;
  }

  /**
   * {@code listener} hears of every request from now on, with its answer's status code, on the
   * server's thread as the request is answered: it must be quick and thread-safe.
   */
  public void onRequest(Consumer<ApiCall> listener) {
    listeners.add(listener);
  }

  private void answered(ApiCall call) {
    listeners.forEach(l -> l.accept(call));
    // The server also queues every request, body included, for takeRequest(), which nothing here
    // calls: a long run would keep them all. The listeners are the request log.
    try {
      server.takeRequest(0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Answers a SelfSubjectRulesReview with what the chart, as {@code byUserAgent} renders it for the
   * client that names itself so, grants (the default chart unless said).
   */
  public void rbac(Function<String, ChartRbac> byUserAgent) {
    dispatcher.rbac(byUserAgent);
  }

  /**
   * An answer the API server gives when it refuses a request: {@code code} (422 Invalid, 403
   * Forbidden) with a Status that says why, as {@link #startRefusing}'s refusals return it.
   */
  public static MockResponse refusal(int code, String reason, String message) {
    Status status = new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build();
    return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(status));
  }

  /**
   * Refuses every update and patch of this resource's status with 403 Forbidden, as the API server
   * does for an operator whose RBAC lacks the status subresource (after an upgrade, say).
   */
  public void forbidStatusWrites(Class<? extends HasMetadata> type, String namespace, String name) {
    dispatcher.forbid("/apis/" + HasMetadata.getGroup(type) + "/" + HasMetadata.getVersion(type) + "/namespaces/" + namespace
        + "/" + HasMetadata.getPlural(type) + "/" + name + "/status");
  }

  public void secret(String namespace, String name, Map<String, String> values) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withStringData(values)
        .build()).createOr(existing -> existing.update());
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}
