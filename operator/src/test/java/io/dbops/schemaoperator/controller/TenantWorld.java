package io.dbops.schemaoperator.controller;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.FakeJobController;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The world the DatabaseSchemaSet scenarios run in, in one place: one embedded PostgreSQL holding a
 * database per tenant, the mock API server, the fake Job controller running each Job's real
 * `migrate`, and the operator. Each scenario gets a namespace of its own, and its tenants' databases
 * are named after it.
 */
final class TenantWorld implements AutoCloseable {
  static final Duration CONVERGE = Duration.ofSeconds(90);
  static final String PASSWORD = "T3nant-Secret-Pa55";
  static final String TENANT_LABEL = "dbops.io/tenant-db";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final EmbeddedPostgres postgres;
  final MockCluster cluster;
  final FakeJobController jobs;

  private TenantWorld(EmbeddedPostgres postgres, MockCluster cluster, FakeJobController jobs) {
    this.postgres = postgres;
    this.cluster = cluster;
    this.jobs = jobs;
  }

  static TenantWorld start() throws Exception {
    EmbeddedPostgres postgres = PasswordCheckingPostgres.start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE app LOGIN CREATEDB PASSWORD '" + PASSWORD + "'");
    }
    MockCluster cluster = MockCluster.start();
    return new TenantWorld(postgres, cluster, FakeJobController.start(cluster.client()));
  }

  KubernetesClient client() {
    return cluster.client();
  }

  /** The operator as it runs in a cluster, with its metrics endpoint on a free port. */
  SchemaOperator startOperator() {
    SchemaOperator operator = SchemaOperator.start(cluster.newClient(),
        new OperatorSettings(Set.of(), null, 4, "ghcr.io/dbops/schema-operator:test", null, 0));
    Eventually.await("operator ready", CONVERGE, operator::ready);
    return operator;
  }

  /** A namespace of its own for one scenario, with the tenants' login Secret. */
  Tenants tenants() {
    String ns = "set" + SEQUENCE.incrementAndGet();
    cluster.secret(ns, "tenant-login", Map.of("username", "app", "password", PASSWORD));
    return new Tenants(this, ns);
  }

  @Override
  public void close() throws Exception {
    jobs.close();
    cluster.close();
    postgres.close();
  }

  /** One scenario's namespace: its tenants, their databases, its set. */
  record Tenants(TenantWorld world, String ns) {
    Namespace k8s() {
      return new Namespace(world.client(), ns);
    }

    String database(String tenant) {
      return ns + "_" + tenant;
    }

    /** A tenant's DatabaseConnection, labelled for the set unless {@code labelled} is false. */
    void connection(String tenant, boolean labelled) {
      k8s().create("""
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata:
            name: %s
            labels: {%s}
          spec:
            engine: postgres
            host: 127.0.0.1
            port: %d
            database: %s
            createDatabase: true
            credentials: {secretName: tenant-login}
            tls: {mode: disable}
            healthCheck: {intervalSeconds: 5}
          """.formatted(tenant, labelled ? TENANT_LABEL + ": \"true\"" : "", world.postgres.getPort(), database(tenant)));
    }

    void connections(String... tenants) {
      for (String tenant : tenants) {
        connection(tenant, true);
      }
    }

    void setLabels(String tenant, Map<String, String> labels) {
      world.client().resources(io.dbops.schemaoperator.model.DatabaseConnection.class).inNamespace(ns).withName(tenant)
          .edit(c -> {
            c.getMetadata().setLabels(new java.util.LinkedHashMap<>(labels));
            return c;
          });
    }

    /** Creates the tenant's database ahead of the operator, as a tenant with data of its own would have it. */
    void createDatabase(String tenant) throws Exception {
      try (Connection c = world.postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + database(tenant) + " OWNER app");
      }
    }

    void sql(String tenant, String statement) throws Exception {
      try (Connection c = world.postgres.getDatabase("postgres", database(tenant)).getConnection(); Statement st = c.createStatement()) {
        st.execute(statement);
      }
    }

    /** Tables of the app schema in the tenant's database. */
    List<String> tables(String tenant) throws Exception {
      try (Connection c = world.postgres.getDatabase("postgres", database(tenant)).getConnection();
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
      try (Connection c = world.postgres.getDatabase("postgres", database(tenant)).getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = 'app' AND tablename = '" + table + "'")) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString(1));
        }
        return names;
      }
    }

    void apply(String yaml) {
      k8s().create(yaml);
    }

    DatabaseSchemaSet set(String name) {
      return world.client().resources(DatabaseSchemaSet.class).inNamespace(ns).withName(name).get();
    }

    void editSet(String name, java.util.function.Consumer<DatabaseSchemaSet> change) {
      world.client().resources(DatabaseSchemaSet.class).inNamespace(ns).withName(name).edit(s -> {
        change.accept(s);
        return s;
      });
    }

    void annotateSet(String name, String key, String value) {
      editSet(name, s -> {
        if (s.getMetadata().getAnnotations() == null) {
          s.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
        }
        s.getMetadata().getAnnotations().put(key, value);
      });
    }

    DatabaseSchema schema(String name) {
      return k8s().schema(name);
    }

    List<DatabaseSchema> schemas() {
      return world.client().resources(DatabaseSchema.class).inNamespace(ns).list().getItems();
    }

    /** The Jobs that migrate the named child. */
    List<Job> jobsOf(String schema) {
      return k8s().jobs().stream().filter(j -> schema.equals(j.getMetadata().getLabels().get(Labels.SCHEMA))).toList();
    }

    boolean schemaReady(String name) {
      DatabaseSchema s = schema(name);
      return s != null && s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), Conditions.READY)
          && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration());
    }

    /** The set's Ready condition, once status was written for its current generation; null before. */
    String setReason(String name) {
      DatabaseSchemaSet set = set(name);
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
      var serialization = world.client().getKubernetesSerialization();
      StringBuilder sb = new StringBuilder("set: ").append(serialization.asJson(set(name) == null ? null : set(name).getStatus()));
      for (DatabaseSchema child : schemas()) {
        sb.append("\nchild ").append(child.getMetadata().getName()).append(" created ").append(child.getMetadata().getCreationTimestamp())
            .append(" generation ").append(child.getMetadata().getGeneration())
            .append(" annotations ").append(child.getMetadata().getAnnotations())
            .append(": ").append(serialization.asJson(child.getStatus() == null ? null : child.getStatus().getConditions()));
      }
      sb.append("\nJobs: ").append(k8s().jobs().stream().map(j -> j.getMetadata().getName()).toList());
      return sb.toString();
    }

    /** Watches this namespace's Jobs and remembers how many ran at once, per child and in all. */
    JobActivity watchJobs() {
      return new JobActivity(world.client(), ns);
    }
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
