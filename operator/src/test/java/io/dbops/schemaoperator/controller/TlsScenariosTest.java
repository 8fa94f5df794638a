package io.dbops.schemaoperator.controller;

import static io.dbops.schemaoperator.testing.Namespace.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.dbops.schemaoperator.testing.TestCa;
import io.dbops.schemaoperator.testing.TlsPostgres;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS that verifies the server, end to end: a PostgreSQL that speaks only TLS, with a certificate
 * signed by a CA the test makes (for the name localhost only); the connection's probe, the schema
 * controller's reads and the migration Job each verify it with the CA from tls.caSecretRef.
 */
class TlsScenariosTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.perTest("tls");
  @TempDir
  static Path certificates;
  private static TestCa ca;
  private static EmbeddedPostgres postgres;
  private static int otherCas;
  private Namespace k8s;

  @BeforeAll
  static void startDatabase() throws Exception {
    ca = TestCa.create(certificates, "team-ca");
    postgres = world.own(TlsPostgres.start(ca.issue("localhost", "dns:localhost")));
  }

  @BeforeEach
  void useTheScenariosNamespace() {
    k8s = world.k8s();
  }

  @Test
  void verifyFullConnectionAndSchemaBecomeReadyAndTheJobIsGivenTheCa() throws Exception {
    applyConnection("verify-full", "localhost", ca.pem());
    applySchema("app_full", "CREATE TABLE verified_full (id INT);");

    awaitSchemaReady();
    Job job = k8s.jobs().get(0);
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName()).containsExactly("db-ca");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(env -> assertThat(env.getName()).isEqualTo("DBOPS_CA_FILE"));
    assertThat(tableExists("app_full", "verified_full")).isTrue();
  }

  @Test
  void verifyCaTrustsTheCaWhateverNameTheHostIsReachedBy() throws Exception {
    // The certificate names localhost only: verify-full on 127.0.0.1 would refuse it, verify-ca does not look.
    applyConnection("verify-ca", "127.0.0.1", ca.pem());
    applySchema("app_ca", "CREATE TABLE verified_ca (id INT);");

    awaitSchemaReady();
    assertThat(tableExists("app_ca", "verified_ca")).isTrue();
  }

  @Test
  void aWrongCaIsTlsFailedNamingTheCaSecret() {
    TestCa other = TestCa.create(certificates, "other-ca-" + ++otherCas);
    applyConnection("verify-full", "localhost", other.pem());

    Eventually.await("the connection stalls on TLS", CONVERGE, () -> k8s.connection("app-db").getStatus() != null
        && Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.STALLED));
    var ready = condition(k8s.connection("app-db"), Conditions.READY);
    assertThat(ready.getReason()).isEqualTo("TlsFailed");
    assertThat(ready.getMessage()).contains("tls.caSecretRef");
  }

  @Test
  void verifyFullOnANameTheCertificateDoesNotHoldIsTlsFailedNamingTheHost() {
    applyConnection("verify-full", "127.0.0.1", ca.pem());

    Eventually.await("the connection stalls on TLS", CONVERGE, () -> k8s.connection("app-db").getStatus() != null
        && Conditions.isTrue(k8s.connection("app-db").getStatus().getConditions(), Conditions.STALLED));
    var ready = condition(k8s.connection("app-db"), Conditions.READY);
    assertThat(ready.getReason()).isEqualTo("TlsFailed");
    assertThat(ready.getMessage()).contains("spec.host").contains("verify-ca");
  }

  private void applyConnection(String mode, String host, String caPem) {
    world.cluster().secret(k8s.name(), "db-ca", Map.of("ca.crt", caPem));
    world.cluster().secret(k8s.name(), "app-db", Map.of("username", "postgres", "password", "unused-with-trust"));
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: %s
          port: %d
          database: postgres
          credentials: {secretName: app-db}
          tls: {mode: %s, caSecretRef: {name: db-ca, key: ca.crt}}
          healthCheck: {intervalSeconds: 5}
        """.formatted(host, postgres.getPort(), mode));
  }

  private void applySchema(String schemaName, String sql) {
    k8s.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app-schema}
        spec:
          connectionRef: {name: app-db}
          schemas: [%s]
          migrations:
            inline:
              - {name: V1__create.sql, sql: "%s"}
        """.formatted(schemaName, sql));
  }

  private void awaitSchemaReady() {
    Eventually.await("app-schema Ready", CONVERGE, () -> {
      return Namespace.isReady(k8s.schema("app-schema"));
    });
  }

  private static boolean tableExists(String schema, String table) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema
            + "' AND table_name = '" + table + "'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }
}
