package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.migration.ResultCodec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs and Pods that someone else makes to look like the operator's: the same labels (anyone who
 * may create a Job can write them), and owner references that name our DatabaseSchema with a uid
 * that is not its own. The operator believes a lock or a run's result only from objects a live
 * resource of ours controls, so none of them holds a migration back or decides what a run did.
 */
class ForgedJobsScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String PASSWORD = "F0rged-Jobs-Pa55";
  /** An image the fake Job controller cannot pull: a forged Job stays active, as one holding a lock would. */
  private static final String UNPULLABLE = "registry.example/squatter:1";
  /** A result as `migrate` writes it, claiming version 99: what a forger wants status to say. */
  private static final String FORGED_RESULT = """
      {"operation":"migrate","success":true,"currentVersion":"99",\
      "applied":[{"version":"99","description":"forged","type":"SQL","script":"V99__forged.sql","success":true}]}""";

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("forged").withStatusTrail();
  private static EmbeddedPostgres postgres;
  private KubernetesClient client;
  private String ns;
  private Namespace k8s;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.withLogin("app", PASSWORD));
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    client = world.client();
    ns = world.namespace();
    k8s = world.k8s();
  }

  @Test
  void jobsSomeoneElseLabelsAsOursHoldNoLockInThisNamespaceOrAnother() throws Exception {
    applyConnection();
    applySchema("V1__create_items.sql", "CREATE TABLE items (id INT);");
    awaitReadyAt("1");
    Map<String, String> ours = k8s.jobs().get(0).getMetadata().getLabels();
    assertThat(ours).containsKeys("app.kubernetes.io/managed-by", "dbops.io/target", "dbops.io/schema");

    String elsewhere = ns + "-elsewhere";
    OwnerReference notTheSchema = new OwnerReferenceBuilder().withApiVersion("dbops.io/v1alpha1").withKind("DatabaseSchema")
        .withName("app-schema").withUid(UUID.randomUUID().toString()).withController(true).build();
    forgedJob(elsewhere, "squatter", ours, null);
    forgedJob(elsewhere, "impostor", ours, notTheSchema);
    forgedJob(ns, "squatter", ours, null);
    // Its owner reference makes the operator reconcile app-schema: by then its Job informer, which
    // hears of Jobs in the order they were created, holds the other three too.
    world.awaitReconcileAfter(() -> forgedJob(ns, "impostor", ours, notTheSchema));

    Set<String> reasons = ConcurrentHashMap.newKeySet();
    try (Watch watch = client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").watch(readyReasons(reasons))) {
      client.resources(DatabaseSchema.class).inNamespace(ns).withName("app-schema").edit(s -> {
        s.getSpec().getMigrations().getInline().add(new InlineMigration("V2__add_name.sql", "ALTER TABLE items ADD COLUMN name TEXT;"));
        return s;
      });
      awaitReadyAt("2");
    }

    assertThat(reasons).as("Ready reasons app-schema went through").contains("MigrationRunning").doesNotContain("WaitingForLock");
    for (String namespace : List.of(ns, elsewhere)) {
      assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems())
          .filteredOn(j -> j.getMetadata().getName().equals("squatter") || j.getMetadata().getName().equals("impostor"))
          .as("the forged Jobs in %s, still active all along", namespace).hasSize(2)
          .allSatisfy(j -> assertThat(j.getStatus() == null || j.getStatus().getCompletionTime() == null).isTrue());
    }
  }

  @Test
  void aPodSomeoneElseLabelsAsOurJobsIsNotBelievedAsTheRunsResult() throws Exception {
    assertThat(ResultCodec.fromJson(FORGED_RESULT).success()).as("the forged message reads as a success").isTrue();
    applyConnection();
    world.jobs().pause();
    applySchema("V1__create_items.sql", "CREATE TABLE items (id INT);");
    Eventually.await("the migration Job", CONVERGE, () -> k8s.jobs().size() == 1);
    Job job = k8s.jobs().get(0);

    forgedPod("app-pod-unowned", job, null);
    forgedPod("app-pod-impostor", job, new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
        .withName(job.getMetadata().getName()).withUid(UUID.randomUUID().toString()).withController(true).build());
    // The Job fails without a Pod of its own: only a forged Pod could say it succeeded.
    world.jobs().exceedDeadline(job.getMetadata().getName());

    Eventually.await("app-schema Stalled on its Job's deadline", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema("app-schema");
      return s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), Conditions.STALLED);
    });
    DatabaseSchema stalled = k8s.schema("app-schema");
    assertThat(stalled.getStatus().getLastRun().getResult()).isEqualTo(RunResult.Failed);
    assertThat(stalled.getStatus().getFailure().getMessage()).contains("DeadlineExceeded");
    assertThat(stalled.getStatus().getCurrentVersion()).isNotEqualTo("99");
    assertThat(stalled.getStatus().getLastRun().getApplied()).doesNotContain("99");
    assertThat(k8s.events("Migrated")).isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A Job with our labels that the fake Job controller cannot start: it stays active. */
  private void forgedJob(String namespace, String name, Map<String, String> labels, OwnerReference owner) {
    JobBuilder job = new JobBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withNewTemplate()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withRestartPolicy("Never")
        .addNewInitContainer().withName("hold").withImage(UNPULLABLE).endInitContainer()
        .addNewContainer().withName("migrate").withImage(UNPULLABLE).endContainer()
        .endSpec().endTemplate().endSpec();
    if (owner != null) {
      job.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    client.batch().v1().jobs().inNamespace(namespace).resource(job.build()).create();
  }

  /**
   * A finished Pod labelled as {@code job}'s (even its uid label copied) whose migrate container
   * left {@link #FORGED_RESULT}, created "later" than any Pod the Job could have.
   */
  private void forgedPod(String name, Job job, OwnerReference owner) {
    Map<String, String> labels = new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    labels.put("controller-uid", job.getMetadata().getUid());
    String container = job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    PodBuilder pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withCreationTimestamp("2099-01-01T00:00:00Z")
        .endMetadata()
        .withNewSpec().addNewContainer().withName(container).withImage(UNPULLABLE).endContainer().endSpec()
        .withNewStatus().withPhase("Succeeded").addNewContainerStatus().withName(container).withNewState().withNewTerminated()
        .withExitCode(0).withReason("Completed").withMessage(FORGED_RESULT).endTerminated().endState().endContainerStatus()
        .endStatus();
    if (owner != null) {
      pod.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    Pod created = client.pods().inNamespace(ns).resource(pod.build()).create();
    assertThat(created.getStatus().getContainerStatuses()).as("the mock API server keeps the forged status").hasSize(1);
  }

  private static Watcher<DatabaseSchema> readyReasons(Set<String> reasons) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, DatabaseSchema schema) {
        if (schema.getStatus() != null) {
          Conditions.find(schema.getStatus().getConditions(), Conditions.READY).map(Condition::getReason).ifPresent(reasons::add);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private void applyConnection() {
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: app_%s
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}
        """.formatted(postgres.getPort(), ns));
  }

  private void applySchema(String script, String sql) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app-schema}
        spec:
          connectionRef: {name: app-db}
          schemas: [app]
          migrations:
            inline:
              - {name: %s, sql: "%s"}
        """.formatted(script, sql));
  }

  private void awaitReadyAt(String version) {
    Eventually.await("app-schema Ready at version " + version, CONVERGE, () -> {
      DatabaseSchema s = k8s.schema("app-schema");
      return Namespace.isReady(s)
          && version.equals(s.getStatus().getCurrentVersion());
    });
    assertThat(condition(k8s.schema("app-schema"), Conditions.READY).getReason()).isEqualTo("UpToDate");
  }
}
