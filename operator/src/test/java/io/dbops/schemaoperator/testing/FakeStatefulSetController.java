package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.controller.common.InstanceAddresses;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Does what the StatefulSet controller and the kubelet would for a managed PostgreSQL: for each
 * StatefulSet the operator creates, starts a real PostgreSQL whose superuser has the password from
 * the admin Secret its Pod would get (and no other way in), then reports one ready replica. It is
 * also this test cluster's DNS for those databases ({@link #addresses()}).
 */
public final class FakeStatefulSetController implements AutoCloseable {
  private final KubernetesClient client;
  private final Map<String, EmbeddedPostgres> databases = new ConcurrentHashMap<>();
  private final ExecutorService starter = Executors.newSingleThreadExecutor();
  private final SharedIndexInformer<StatefulSet> informer;

  private FakeStatefulSetController(KubernetesClient client) {
    this.client = client;
    this.informer = client.apps().statefulSets().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(StatefulSet set) {
        starter.submit(() -> start(set));
      }

      @Override
      public void onUpdate(StatefulSet before, StatefulSet set) {}

      @Override
      public void onDelete(StatefulSet set, boolean finalStateUnknown) {}
    });
  }

  public static FakeStatefulSetController start(KubernetesClient client) {
    return new FakeStatefulSetController(client);
  }

  /** Where the managed databases listen, as cluster DNS would answer for their Services. */
  public InstanceAddresses addresses() {
    return connection -> {
      EmbeddedPostgres postgres = databases.get(key(connection.getMetadata().getNamespace(), connection.getMetadata().getName()));
      return postgres == null
          ? InstanceAddresses.CLUSTER_DNS.of(connection)
          : new InstanceAddresses.Address("127.0.0.1", postgres.getPort());
    };
  }

  public boolean running(DatabaseConnection connection) {
    return databases.containsKey(key(connection.getMetadata().getNamespace(), connection.getMetadata().getName()));
  }

  private void start(StatefulSet set) {
    String namespace = set.getMetadata().getNamespace();
    String name = set.getMetadata().getName();
    try {
      String password = adminPassword(set);
      Path data = Files.createTempDirectory("instance-" + name);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true).start();
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("ALTER USER postgres WITH PASSWORD '" + password.replace("'", "''") + "'");
        // From now on, as in the postgres image: a password over the network, for everyone.
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all all scram-sha-256\n", StandardCharsets.UTF_8);
        st.execute("SELECT pg_reload_conf()");
      }
      databases.put(key(namespace, name), postgres);
      client.apps().statefulSets().inNamespace(namespace).withName(name).edit(s -> {
        s.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
        return s;
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The password the Pod's POSTGRES_PASSWORD secretKeyRef resolves to. */
  private String adminPassword(StatefulSet set) {
    EnvVar env = set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("POSTGRES_PASSWORD")).findFirst()
        .orElseThrow(() -> new IllegalStateException("the fake runs PostgreSQL instances only"));
    var ref = env.getValueFrom().getSecretKeyRef();
    Secret secret = client.secrets().inNamespace(set.getMetadata().getNamespace()).withName(ref.getName()).get();
    if (secret == null) {
      throw new IllegalStateException("Secret " + ref.getName() + " missing: the Pod would not start");
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.getKey())) {
      return secret.getStringData().get(ref.getKey());
    }
    return new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public void close() throws IOException {
    informer.close();
    starter.shutdownNow();
    for (EmbeddedPostgres postgres : databases.values()) {
      postgres.close();
    }
  }
}
