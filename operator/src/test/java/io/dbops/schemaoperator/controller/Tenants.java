package io.dbops.schemaoperator.controller;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One DatabaseSchemaSet scenario's tenants, in a namespace of the scenario world: each tenant a
 * DatabaseConnection to a database of its own (named after the namespace) in one embedded
 * PostgreSQL, all logging in as the role app with the namespace's Secret tenant-login; and what a
 * set scenario looks at: the set's Ready reason, its children's Jobs, the tenants' tables.
 */
record Tenants(Namespace k8s, EmbeddedPostgres postgres) {
  static final Duration CONVERGE = Duration.ofSeconds(90);
  static final String PASSWORD = "T3nant-Secret-Pa55";
  static final String TENANT_LABEL = "dbops.io/tenant-db";

  /** The PostgreSQL that holds every tenant's database, with the role app the tenants log in as. */
  static EmbeddedPostgres startPostgres() throws Exception {
    return PasswordCheckingPostgres.withLogin("app", PASSWORD);
  }

  /** The tenants of namespace {@code ns}, their login Secret written there. */
  static Tenants in(ScenarioWorld world, String ns, EmbeddedPostgres postgres) {
    world.cluster().secret(ns, "tenant-login", Map.of("username", "app", "password", PASSWORD));
    return new Tenants(world.k8s(ns), postgres);
  }

  String database(String tenant) {
    return k8s.name() + "_" + tenant;
  }

  /** Each tenant's DatabaseConnection, labelled for the set. */
  void connections(String... tenants) {
    for (String tenant : tenants) {
      k8s.create("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata:
            name: %s
            labels: {%s: "true"}
          spec:
            engine: postgres
            host: 127.0.0.1
            port: %d
            database: %s
            createDatabase: true
            credentials: {secretName: tenant-login}
            tls: {mode: disable}
            healthCheck: {intervalSeconds: 5}
          """.formatted(tenant, TENANT_LABEL, postgres.getPort(), database(tenant)));
    }
  }

  void setLabels(String tenant, Map<String, String> labels) {
    k8s.client().resources(DatabaseConnection.class).inNamespace(k8s.name()).withName(tenant).edit(c -> {
      c.getMetadata().setLabels(new LinkedHashMap<>(labels));
      return c;
    });
  }

  void sql(String tenant, String statement) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database(tenant)).getConnection(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  /** Tables of the app schema in the tenant's database. */
  List<String> tables(String tenant) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database(tenant)).getConnection();
        ResultSet rs = c.getMetaData().getTables(null, "app", "%", new String[] {"TABLE"})) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
      return names;
    }
  }

  /** Indexes of a table of the app schema. */
  List<String> indexes(String tenant, String table) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", database(tenant)).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = 'app' AND tablename = '" + table + "'")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  void editSet(String name, Consumer<DatabaseSchemaSet> change) {
    k8s.client().resources(DatabaseSchemaSet.class).inNamespace(k8s.name()).withName(name).edit(s -> {
      change.accept(s);
      return s;
    });
  }

  /** The Jobs that migrate the named child. */
  List<Job> jobsOf(String schema) {
    return k8s.jobs().stream().filter(j -> schema.equals(j.getMetadata().getLabels().get(Labels.SCHEMA))).toList();
  }

  /** The set's Ready condition, once status was written for its current generation; null before. */
  String setReason(String name) {
    DatabaseSchemaSet set = k8s.schemaSet(name);
    if (set == null || set.getStatus() == null || !set.getMetadata().getGeneration().equals(set.getStatus().getObservedGeneration())) {
      return null;
    }
    return Conditions.find(set.getStatus().getConditions(), Conditions.READY).map(c -> c.getReason()).orElse(null);
  }

  void awaitSet(String name, String readyReason) {
    try {
      Eventually.await("DatabaseSchemaSet " + name + " " + readyReason, CONVERGE, () -> readyReason.equals(setReason(name)));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + describe(name), e);
    }
  }

  /** The set's and its children's status, for a scenario that did not get where it expected. */
  String describe(String name) {
    var serialization = k8s.client().getKubernetesSerialization();
    DatabaseSchemaSet set = k8s.schemaSet(name);
    StringBuilder sb = new StringBuilder("set: ").append(serialization.asJson(set == null ? null : set.getStatus()));
    for (DatabaseSchema child : k8s.schemas()) {
      sb.append("\nchild ").append(child.getMetadata().getName()).append(" created ").append(child.getMetadata().getCreationTimestamp())
          .append(" generation ").append(child.getMetadata().getGeneration())
          .append(" annotations ").append(child.getMetadata().getAnnotations())
          .append(": ").append(serialization.asJson(child.getStatus() == null ? null : child.getStatus().getConditions()));
    }
    sb.append("\nJobs: ").append(k8s.jobs().stream().map(j -> j.getMetadata().getName()).toList());
    return sb.toString();
  }

  /** Watches this namespace's Jobs and remembers how many ran at once, per child and in all. */
  JobActivity watchJobs() {
    return new JobActivity(k8s.client(), k8s.name());
  }

  /** How many migration Jobs were active at once, as the API server's events tell it. */
  static final class JobActivity implements AutoCloseable {
    private final Map<String, String> activeJobSchema = new ConcurrentHashMap<>();
    private final Map<String, Integer> peakPerSchema = new ConcurrentHashMap<>();
    private final AtomicInteger peak = new AtomicInteger();
    private final SharedIndexInformer<Job> informer;

    JobActivity(KubernetesClient client, String ns) {
      informer = client.batch().v1().jobs().inNamespace(ns).inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Job job) {
          seen(job);
        }

        @Override
        public void onUpdate(Job before, Job job) {
          seen(job);
        }

        @Override
        public void onDelete(Job job, boolean unknown) {
          activeJobSchema.remove(job.getMetadata().getName());
        }
      });
    }

    private synchronized void seen(Job job) {
      String name = job.getMetadata().getName();
      boolean finished = job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions().stream()
          .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
      if (finished) {
        activeJobSchema.remove(name);
        return;
      }
      String schema = job.getMetadata().getLabels().get(Labels.SCHEMA);
      activeJobSchema.put(name, schema);
      peak.accumulateAndGet(activeJobSchema.size(), Math::max);
      long ofSchema = activeJobSchema.values().stream().filter(schema::equals).count();
      peakPerSchema.merge(schema, (int) ofSchema, Math::max);
    }

    int peak() {
      return peak.get();
    }

    /** The most Jobs any one child had active at once. */
    int peakPerChild() {
      return peakPerSchema.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public void close() {
      informer.close();
    }
  }
}
