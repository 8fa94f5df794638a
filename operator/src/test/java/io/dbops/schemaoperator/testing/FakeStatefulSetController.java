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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Does what the StatefulSet controller and the kubelet would for a managed PostgreSQL: for each
 * StatefulSet the operator creates, creates its PersistentVolumeClaim (owned by the StatefulSet only
 * when its retention policy says Delete) and starts a real PostgreSQL on that claim's volume, a
 * directory here. On an empty volume the database is initialized with the password from the admin
 * Secret the Pod would get (and no other way in), as the postgres image does; on a volume that has
 * data, the data and the password in it are kept. Then it reports one ready replica. A deleted
 * StatefulSet's database stops; its volume stays. It is also this test cluster's DNS for those
 * databases ({@link #addresses()}).
 */
public final class FakeStatefulSetController implements AutoCloseable {
  private final KubernetesClient client;
  private final Map<String, EmbeddedPostgres> databases = new ConcurrentHashMap<>();
  /** Each claim's volume: namespace/claim name to a data directory. */
  private final Map<String, Path> volumes = new ConcurrentHashMap<>();
  private final ExecutorService starter = Executors.newSingleThreadExecutor();
  private final SharedIndexInformer<StatefulSet> informer;

  private FakeStatefulSetController(KubernetesClient client) {
    this.client = client;
    this.informer = client.apps().statefulSets().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(StatefulSet set) {
        starter.submit(() -> reporting("start", set, () -> start(set)));
      }

      @Override
      public void onUpdate(StatefulSet before, StatefulSet set) {}

      @Override
      public void onDelete(StatefulSet set, boolean finalStateUnknown) {
        starter.submit(() -> reporting("stop", set, () -> stop(set)));
      }
    });
  }

  /** A failure here would vanish in the executor; a test waiting for the instance then says only that it waited. */
  private static void reporting(String what, StatefulSet set, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      System.err.println("fake StatefulSet controller: cannot " + what + " " + set.getMetadata().getNamespace() + "/"
          + set.getMetadata().getName() + ": " + e);
      e.printStackTrace();
    }
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
      Path data = volumes.computeIfAbsent(key(namespace, claim(set)), k -> {
        try {
          return Files.createTempDirectory("instance-" + name);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      boolean initialized = Files.exists(data.resolve("postgresql.conf"));
      if (initialized) {
        // The embedded server checks it is up by logging in without a password; the data and the
        // password in it stay, and the password rule is back before the instance is reported ready.
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all all trust\n", StandardCharsets.UTF_8);
      }
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        if (!initialized) {
          st.execute("ALTER USER postgres WITH PASSWORD '" + adminPassword(set).replace("'", "''") + "'");
        }
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

  /**
   * The claim of the StatefulSet's Pod 0, created as the StatefulSet controller does unless it is
   * there already (left behind by an earlier StatefulSet of the same name): its name.
   */
  private String claim(StatefulSet set) {
    var templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null || templates.isEmpty()) {
      return set.getMetadata().getName();
    }
    var template = templates.get(0);
    String claim = template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-0";
    var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    boolean deletedWithSet = policy != null && "Delete".equals(policy.getWhenDeleted());
    var pvc = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(claim).withNamespace(set.getMetadata().getNamespace())
        .withLabels(set.getSpec().getSelector() == null ? Map.of() : set.getSpec().getSelector().getMatchLabels())
        .withOwnerReferences(deletedWithSet ? List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
            .withApiVersion("apps/v1").withKind("StatefulSet").withName(set.getMetadata().getName())
            .withUid(set.getMetadata().getUid()).withController(true).build()) : List.of())
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
    if (client.persistentVolumeClaims().inNamespace(set.getMetadata().getNamespace()).withName(claim).get() == null) {
      client.persistentVolumeClaims().inNamespace(set.getMetadata().getNamespace()).resource(pvc).create();
    }
    return claim;
  }

  /** The StatefulSet is gone, and its Pod with it: the database stops, its volume stays. */
  private void stop(StatefulSet set) {
    EmbeddedPostgres postgres = databases.remove(key(set.getMetadata().getNamespace(), set.getMetadata().getName()));
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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
    // The cluster goes away, and its volumes with it.
    for (Path volume : volumes.values()) {
      try (var walk = Files.walk(volume)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
