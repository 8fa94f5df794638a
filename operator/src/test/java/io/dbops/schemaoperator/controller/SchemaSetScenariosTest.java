package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.controller.Tenants.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.Tenants.JobActivity;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.dbops.schemaoperator.model.FailedTarget;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.TargetCounts;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DatabaseSchemaSets end to end: the whole operator on the mock API server, every tenant a real
 * database in one embedded PostgreSQL, every Job's real `migrate` run by the fake Job controller.
 */
class SchemaSetScenariosTest {
  private static final String V1 = "V1__create_accounts.sql";
  private static final String V1_SQL = "CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL);";
  private static final String V2 = "V2__unique_emails.sql";
  private static final String V2_SQL = "CREATE UNIQUE INDEX accounts_email ON accounts (email);";
  private static final String V2_BROKEN_SQL = "CREATE UNIQUE INDEX accounts_email ON accounts (email,);";

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("set").withStatusTrail().converge(CONVERGE);
  private static EmbeddedPostgres postgres;
  private Namespace k8s;
  private Tenants tenants;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = world.own(Tenants.startPostgres());
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    k8s = world.k8s();
    tenants = Tenants.in(world, k8s.name(), postgres);
  }

  @Test
  void aNewSetMigratesItsCanaryAloneAndTheOtherTenantsOnlyOnceItIsReady() throws Exception {
    tenants.connections("a", "b", "c");
    // The mock API server numbers every write in one sequence, so resourceVersions order events.
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> firstReadyAt = new ConcurrentHashMap<>();
    try (SharedIndexInformer<DatabaseSchema> watch = world.client().resources(DatabaseSchema.class).inNamespace(k8s.name())
        .inform(onAddOrUpdate(child -> {
          long version = Long.parseLong(child.getMetadata().getResourceVersion());
          createdAt.putIfAbsent(child.getMetadata().getName(), version);
          if (Namespace.isReady(child)) {
            firstReadyAt.putIfAbsent(child.getMetadata().getName(), version);
          }
        }))) {
      k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));

      tenants.awaitSet("tenants", "RolledOut");
    }

    assertThat(createdAt).containsOnlyKeys("tenants-a", "tenants-b", "tenants-c");
    assertThat(createdAt.get("tenants-b")).as("the second tenant's child made after the canary was Ready")
        .isGreaterThan(firstReadyAt.get("tenants-a"));
    assertThat(createdAt.get("tenants-c")).as("the third tenant's child made after the canary was Ready")
        .isGreaterThan(firstReadyAt.get("tenants-a"));
    DatabaseSchemaSet set = k8s.schemaSet("tenants");
    assertThat(set.getStatus().getTargets()).usingRecursiveComparison().isEqualTo(counts(3, 3, 3, 0));
    assertThat(set.getStatus().getReadyTargets()).isEqualTo("3/3");
    assertThat(set.getStatus().getTemplateHash()).hasSize(16);
    for (String tenant : List.of("a", "b", "c")) {
      DatabaseSchema child = k8s.schema("tenants-" + tenant);
      assertThat(child.getMetadata().getLabels()).containsEntry(Labels.SCHEMA_SET, "tenants");
      assertThat(child.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(set.getMetadata().getUid()));
      assertThat(child.getStatus().getCurrentVersion()).isEqualTo("1");
      assertThat(tenants.jobsOf("tenants-" + tenant)).hasSize(1);
      assertThat(tenants.tables(tenant)).containsExactly("accounts", "flyway_schema_history");
    }
    assertThat(k8s.events("RolledOut")).singleElement()
        .satisfies(e -> assertThat(e.getInvolvedObject().getKind()).isEqualTo("DatabaseSchemaSet"));
    Map<String, Double> metrics = world.operator().samples();
    String series = "{name=\"tenants\",namespace=\"" + k8s.name() + "\",state=\"%s\"}";
    assertThat(metrics).containsEntry("dbops_schemaset_targets" + series.formatted("total"), 3.0)
        .containsEntry("dbops_schemaset_targets" + series.formatted("ready"), 3.0)
        .containsEntry("dbops_schemaset_targets" + series.formatted("failed"), 0.0)
        .containsEntry("dbops_schemaset_stalled{name=\"tenants\",namespace=\"" + k8s.name() + "\"}", 0.0);
  }

  @Test
  void aCanaryThatFailsStopsTheRolloutAndAFixedTemplateRollsOutAgain() throws Exception {
    tenants.connections("a", "b", "c");
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));
    tenants.awaitSet("tenants", "RolledOut");
    String first = k8s.schemaSet("tenants").getStatus().getTemplateHash();

    setScripts(script(V1, V1_SQL), script(V2, V2_BROKEN_SQL));
    tenants.awaitSet("tenants", "RolloutStopped");

    DatabaseSchemaSet stopped = k8s.schemaSet("tenants");
    assertThat(stopped.getStatus().getTargets()).usingRecursiveComparison().isEqualTo(counts(3, 1, 0, 1));
    assertThat(stopped.getStatus().getFailedTargets()).singleElement().satisfies(f -> {
      assertThat(f.getConnection()).isEqualTo("a");
      assertThat(f.getSchema()).isEqualTo("tenants-a");
      assertThat(f.getReason()).isEqualTo("MigrationFailed");
      assertThat(f.getMessage()).contains(V2);
    });
    assertThat(Conditions.find(stopped.getStatus().getConditions(), Conditions.STALLED).orElseThrow().getMessage())
        .contains("tenants-a", "2 target(s) wait", Annotations.RETRY);
    for (String tenant : List.of("b", "c")) {
      assertThat(k8s.schema("tenants-" + tenant).getMetadata().getAnnotations()).as("tenant %s stays at the first template", tenant)
          .containsEntry(Labels.TEMPLATE_HASH, first);
      assertThat(tenants.jobsOf("tenants-" + tenant)).as("Jobs of tenant %s", tenant).hasSize(1);
    }
    assertThat(k8s.events("RolloutStopped")).hasSize(1);

    setScripts(script(V1, V1_SQL), script(V2, V2_SQL));
    tenants.awaitSet("tenants", "RolledOut");
    for (String tenant : List.of("a", "b", "c")) {
      assertThat(k8s.schema("tenants-" + tenant).getStatus().getCurrentVersion()).isEqualTo("2");
      assertThat(tenants.indexes(tenant, "accounts")).contains("accounts_email");
    }
  }

  @Test
  void aTenantWhoseDataBreaksTheCanaryIsRetriedFromTheSetOnceFixedAndTheRolloutGoesOn() throws Exception {
    tenants.connections("a", "b");
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));
    tenants.awaitSet("tenants", "RolledOut");
    tenants.sql("a", "INSERT INTO app.accounts (email) VALUES ('dup@example.com'), ('dup@example.com')");

    setScripts(script(V1, V1_SQL), script(V2, V2_SQL));
    tenants.awaitSet("tenants", "RolloutStopped");
    assertThat(k8s.schemaSet("tenants").getStatus().getFailedTargets()).extracting(FailedTarget::getConnection).containsExactly("a");
    assertThat(tenants.jobsOf("tenants-b")).hasSize(1);

    tenants.sql("a", "DELETE FROM app.accounts WHERE id = (SELECT max(id) FROM app.accounts)");
    k8s.annotate(DatabaseSchemaSet.class, "tenants", Annotations.RETRY, "after-dedup");

    tenants.awaitSet("tenants", "RolledOut");
    assertThat(k8s.schema("tenants-a").getMetadata().getAnnotations()).containsEntry(Annotations.RETRY, "after-dedup");
    assertThat(k8s.schemaSet("tenants").getStatus().getHandledRetry()).isEqualTo("after-dedup");
    assertThat(tenants.indexes("a", "accounts")).contains("accounts_email");
    assertThat(tenants.indexes("b", "accounts")).contains("accounts_email");
  }

  @Test
  void withOnFailureContinueOneFailingTenantDoesNotHoldUpTheOthers() throws Exception {
    tenants.connections("a", "b", "c");
    k8s.create(set("tenants", 1, 10, "Continue", script(V1, V1_SQL)));
    tenants.awaitSet("tenants", "RolledOut");
    tenants.sql("b", "INSERT INTO app.accounts (email) VALUES ('dup@example.com'), ('dup@example.com')");

    setScripts(script(V1, V1_SQL), script(V2, V2_SQL));
    tenants.awaitSet("tenants", "TargetsFailed");

    DatabaseSchemaSet set = k8s.schemaSet("tenants");
    assertThat(set.getStatus().getTargets()).usingRecursiveComparison().isEqualTo(counts(3, 3, 2, 1));
    assertThat(set.getStatus().getFailedTargets()).singleElement().satisfies(f -> {
      assertThat(f.getConnection()).isEqualTo("b");
      assertThat(f.getMessage()).contains(V2);
    });
    assertThat(tenants.indexes("a", "accounts")).contains("accounts_email");
    assertThat(tenants.indexes("b", "accounts")).doesNotContain("accounts_email");
    assertThat(tenants.indexes("c", "accounts")).contains("accounts_email");
    assertThat(world.operator().samples()).containsEntry("dbops_schemaset_stalled{name=\"tenants\",namespace=\"" + k8s.name() + "\"}", 1.0);
  }

  @Test
  void aTenantLabelledLaterGetsItsChildAtOnce() throws Exception {
    tenants.connections("a", "b");
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));
    tenants.awaitSet("tenants", "RolledOut");

    tenants.connections("c");

    Eventually.await("tenant c migrated and counted", CONVERGE, () -> Namespace.isReady(k8s.schema("tenants-c"))
        && "RolledOut".equals(tenants.setReason("tenants")) && k8s.schemaSet("tenants").getStatus().getTargets().getReady() == 3);
    assertThat(tenants.tables("c")).contains("accounts");
    assertThat(k8s.schemaSet("tenants").getStatus().getReadyTargets()).isEqualTo("3/3");
  }

  @Test
  void aTenantUnlabelledLosesItsChildButKeepsItsDataEvenWhenTheTemplateSaysDrop() throws Exception {
    tenants.connections("a", "b");
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)).replace("    schemas: [app]\n",
        "    schemas: [app]\n    deletionPolicy: Drop\n"));
    tenants.awaitSet("tenants", "RolledOut");
    assertThat(k8s.schema("tenants-b").getSpec().getDeletionPolicy().name()).isEqualTo("Drop");

    tenants.setLabels("b", Map.of("tier", "former-tenant"));

    Eventually.await("tenant b's child gone and the set down to one target", CONVERGE, () -> k8s.schema("tenants-b") == null
        && k8s.schemaSet("tenants").getStatus().getTargets().getTotal() == 1 && "RolledOut".equals(tenants.setReason("tenants")));
    assertThat(tenants.tables("b")).as("tenant b's data").contains("accounts", "flyway_schema_history");
    assertThat(tenants.jobsOf("tenants-b")).as("no drop Job, only the migration").hasSize(1);
    assertThat(k8s.schema("tenants-a")).isNotNull();
  }

  @Test
  void aTemplateChangeDuringARolloutEndsAtTheNewestTemplateWithOneJobPerTenantAtATime() throws Exception {
    tenants.connections("a", "b", "c");
    try (JobActivity activity = tenants.watchJobs()) {
      world.jobs().pause();
      k8s.create(set("tenants", 0, 3, "Stop", script(V1, V1_SQL)));
      Eventually.await("every tenant's first Job started", CONVERGE, () -> k8s.jobs().size() == 3);
      String first = k8s.schemaSet("tenants").getStatus().getTemplateHash();

      setScripts(script(V1, V1_SQL), script(V2, V2_SQL));
      Eventually.await("every child moved to the new template", CONVERGE, () -> {
        DatabaseSchemaSet set = k8s.schemaSet("tenants");
        return !first.equals(set.getStatus().getTemplateHash()) && set.getStatus().getTargets().getUpdated() == 3
            && k8s.schemas().stream().allMatch(s -> set.getStatus().getTemplateHash()
                .equals(s.getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH)) && s.getStatus() != null
                && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration()));
      });
      assertThat(k8s.jobs()).as("while the first Jobs run, none is started beside them").hasSize(3);

      world.jobs().resume();
      tenants.awaitSet("tenants", "RolledOut");

      for (String tenant : List.of("a", "b", "c")) {
        assertThat(k8s.schema("tenants-" + tenant).getStatus().getCurrentVersion()).isEqualTo("2");
        assertThat(tenants.jobsOf("tenants-" + tenant)).as("Jobs of tenant %s: the first template's, then the newest's", tenant)
            .hasSize(2);
        assertThat(tenants.indexes(tenant, "accounts")).contains("accounts_email");
      }
      assertThat(activity.peakPerChild()).as("Jobs one child had running at once").isEqualTo(1);
    }
  }

  @Test
  void atMostMaxParallelTenantsMigrateAtOnce() throws Exception {
    tenants.connections("a", "b", "c", "d");
    try (JobActivity activity = tenants.watchJobs()) {
      world.jobs().pause();
      k8s.create(set("tenants", 0, 2, "Stop", script(V1, V1_SQL)));
      Eventually.await("two Jobs started and the set says so", CONVERGE, () -> k8s.jobs().size() == 2
          && k8s.schemaSet("tenants").getStatus() != null && k8s.schemaSet("tenants").getStatus().getTargets().getUpdated() == 2);
      assertThat(k8s.schemas()).extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder("tenants-a", "tenants-b");

      world.jobs().resume();
      tenants.awaitSet("tenants", "RolledOut");

      assertThat(k8s.jobs()).hasSize(4);
      assertThat(activity.peak()).as("Jobs running at once").isEqualTo(2);
    }
  }

  @Test
  void manualApprovalOfTheTemplateOnTheSetApprovesEveryTenantsOwnPlan() throws Exception {
    tenants.connections("a", "b");
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)).replace("    schemas: [app]\n",
        "    schemas: [app]\n    approval: Manual\n"));
    tenants.awaitSet("tenants", "ApprovalPending");

    DatabaseSchemaSet waiting = k8s.schemaSet("tenants");
    String template = waiting.getStatus().getTemplateHash();
    assertThat(Conditions.find(waiting.getStatus().getConditions(), Conditions.APPROVAL_PENDING).orElseThrow().getMessage())
        .contains(Annotations.APPROVE + "=" + template);
    assertThat(k8s.schema("tenants-b")).as("the second tenant waits for the canary").isNull();
    assertThat(k8s.jobs()).isEmpty();

    k8s.annotate(DatabaseSchemaSet.class, "tenants", Annotations.APPROVE, template);

    tenants.awaitSet("tenants", "RolledOut");
    for (String tenant : List.of("a", "b")) {
      DatabaseSchema child = k8s.schema("tenants-" + tenant);
      assertThat(child.getMetadata().getAnnotations().get(Annotations.APPROVE)).as("tenant %s approved with its own plan", tenant)
          .isNotEqualTo(template).hasSize(12);
      assertThat(tenants.tables(tenant)).contains("accounts");
    }
  }

  @Test
  void aRestartedOperatorCarriesTheRolloutOnFromWhatTheChildrenShow() throws Exception {
    tenants.connections("a", "b", "c");
    world.jobs().pause();
    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));
    Eventually.await("the canary's Job started", CONVERGE, () -> k8s.jobs().size() == 1);

    world.restartOperator();
    world.jobs().resume();

    tenants.awaitSet("tenants", "RolledOut");
    assertThat(k8s.schemas()).hasSize(3);
    for (String tenant : List.of("a", "b", "c")) {
      assertThat(tenants.jobsOf("tenants-" + tenant)).as("Jobs of tenant %s", tenant).hasSize(1);
    }
  }

  @Test
  void aSchemaThatOnlyLooksLikeAChildIsNeitherAdoptedNorChangedAndOtherNamespacesAreNeverTouched() throws Exception {
    tenants.connections("a", "b");
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata:
          name: tenants-a
          labels: {dbops.io/schema-set: tenants}
        spec:
          connectionRef: {name: somewhere-else}
          migrations:
            inline:
              - {name: V1__mine.sql, sql: "CREATE TABLE mine (id INT);"}
        """);
    Tenants elsewhere = Tenants.in(world, "other" + k8s.name(), postgres);
    elsewhere.connections("z");

    k8s.create(set("tenants", 1, 10, "Stop", script(V1, V1_SQL)));
    tenants.awaitSet("tenants", "TargetsFailed");

    DatabaseSchemaSet set = k8s.schemaSet("tenants");
    assertThat(set.getStatus().getTargets()).usingRecursiveComparison().isEqualTo(counts(2, 1, 1, 1));
    assertThat(set.getStatus().getFailedTargets()).singleElement().satisfies(f -> {
      assertThat(f.getConnection()).isEqualTo("a");
      assertThat(f.getReason()).isEqualTo("NameTaken");
      assertThat(f.getMessage()).contains("tenants-a", "not this set's child");
    });
    DatabaseSchema lookalike = k8s.schema("tenants-a");
    assertThat(lookalike.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(lookalike.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(lookalike.getSpec().getConnectionRef().getName()).isEqualTo("somewhere-else");
    assertThat(elsewhere.k8s().schemas()).as("DatabaseSchemas in another namespace").isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String set(String name, int canary, int maxParallel, String onFailure, InlineMigration... scripts) {
    StringBuilder inline = new StringBuilder();
    for (InlineMigration s : scripts) {
      inline.append("        - {name: ").append(s.getName()).append(", sql: \"").append(s.getSql()).append("\"}\n");
    }
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchemaSet
        metadata: {name: %s}
        spec:
          selector:
            matchLabels: {dbops.io/tenant-db: "true"}
          template:
            schemas: [app]
            migrations:
              inline:
        %s  rollout: {canary: %d, maxParallel: %d, onFailure: %s}
        """.formatted(name, inline, canary, maxParallel, onFailure);
  }

  private void setScripts(InlineMigration... scripts) {
    tenants.editSet("tenants", s -> s.getSpec().getTemplate().getMigrations().setInline(new ArrayList<>(List.of(scripts))));
  }

  private static InlineMigration script(String name, String sql) {
    return new InlineMigration(name, sql);
  }

  private static TargetCounts counts(int total, int updated, int ready, int failed) {
    return new TargetCounts(total, updated, ready, failed);
  }

  private static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}
