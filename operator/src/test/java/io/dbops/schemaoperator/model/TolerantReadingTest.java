package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our resources as the fabric8 client reads them from the API server: whole when they fit the
 * model, and when a part does not, the rest still read and the part that failed named.
 */
class TolerantReadingTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void aResourceThatFitsTheModelReadsWholeAndSaysNothing() {
    DatabaseConnection read = JSON.unmarshal("""
        {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseConnection",
         "metadata": {"name": "app-db", "namespace": "team-a", "resourceVersion": "7", "generation": 2},
         "spec": {"engine": "postgres", "host": "db", "port": 6432, "credentials": {"secretName": "s"},
                  "parameters": {"connectTimeout": "5"}},
         "status": {"observedGeneration": 2, "serverVersion": "PostgreSQL 16.4",
                    "conditions": [{"type": "Ready", "status": "True", "reason": "Connected"}]}}""",
        DatabaseConnection.class);

    assertThat(read.readProblem()).isNull();
    assertThat(read.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(read.getSpec().getEngine()).isEqualTo(Engine.POSTGRES);
    assertThat(read.getSpec().getPort()).isEqualTo(6432);
    assertThat(read.getSpec().getParameters()).containsEntry("connectTimeout", "5");
    assertThat(read.getStatus().getServerVersion()).isEqualTo("PostgreSQL 16.4");
    assertThat(read.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("Connected"));
    // Written back, it is what was read.
    assertThat(JSON.convertValue(JSON.unmarshal(JSON.asJson(read), DatabaseConnection.class), java.util.Map.class))
        .isEqualTo(JSON.convertValue(read, java.util.Map.class));
  }

  @ParameterizedTest(name = "{0} gives: {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"healthCheck\": {\"intervalSeconds\": 3000000000}} | spec.healthCheck.intervalSeconds: '3000000000' is not a whole number from -2147483648 to 2147483647",
      "{\"port\": \"5432x\"}                                | spec.port: '5432x' is not a whole number from -2147483648 to 2147483647",
      "{\"engine\": \"oracle\"}                             | spec.engine: 'oracle' is not one of postgres, mysql, mariadb, sqlserver",
      "{\"createDatabase\": \"maybe\"}                      | spec.createDatabase: 'maybe' is not true or false",
      "{\"credentials\": \"app-db\"}                        | spec.credentials: has the wrong type, expected an object",
      "{\"parameters\": [1, 2]}                             | spec.parameters: has the wrong type, expected a map"})
  void aSpecTheModelCannotHoldLeavesSpecEmptyAndNamesTheField(String spec, String problem) {
    DatabaseConnection read = JSON.unmarshal("""
        {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseConnection", "metadata": {"name": "bad", "namespace": "n"},
         "spec": %s, "status": {"serverVersion": "kept"}}""".formatted(spec), DatabaseConnection.class);

    assertThat(read.getSpec()).isNull();
    assertThat(read.readProblem()).isEqualTo(problem);
    assertThat(read.getMetadata().getName()).isEqualTo("bad");
    assertThat(read.getStatus().getServerVersion()).isEqualTo("kept");
  }

  @Test
  void anUnreadableListItemDoesNotFailTheListAnInformerReads() {
    var list = JSON.unmarshal(new java.io.ByteArrayInputStream("""
        {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseSchemaList", "metadata": {}, "items": [
          {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseSchema", "metadata": {"name": "bad"},
           "spec": {"connectionRef": {"name": "db"}, "retry": {"limit": 3000000000}}},
          {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseSchema", "metadata": {"name": "good"},
           "spec": {"connectionRef": {"name": "db"}, "migrations": {"configMapRefs": [{"name": "m"}]}}}]}"""
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        new com.fasterxml.jackson.core.type.TypeReference<
            io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList<DatabaseSchema>>() {});

    List<DatabaseSchema> items = list.getItems();
    assertThat(items).hasSize(2);
    DatabaseSchema bad = items.get(0);
    DatabaseSchema good = items.get(1);
    assertThat(bad.readProblem()).startsWith("spec.retry.limit: '3000000000'");
    assertThat(good.readProblem()).isNull();
    assertThat(good.getSpec().getMigrations().getConfigMapRefs()).extracting(ConfigMapRef::getName).containsExactly("m");
  }

  @Test
  void aNumberPastItsTypeReadFromYamlIsNamedWithItsValue() throws Exception {
    DatabaseConnection read = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: bad}
        spec: {engine: postgres, port: 99999999999}
        """, DatabaseConnection.class);

    assertThat(read.readProblem())
        .isEqualTo("spec.port: '99999999999' is not a whole number from -2147483648 to 2147483647");
  }

  @Test
  void anUnreadableStatusIsNamedWhileTheSpecIsRead() {
    DatabaseSchema read = JSON.unmarshal("""
        {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseSchema", "metadata": {"name": "s"},
         "spec": {"connectionRef": {"name": "db"}}, "status": {"history": "lots"}}""", DatabaseSchema.class);

    assertThat(read.getSpec().getConnectionRef().getName()).isEqualTo("db");
    assertThat(read.getStatus()).isNull();
    assertThat(read.readProblem()).isEqualTo("status.history: has the wrong type, expected a list");
  }

  @Test
  void aValueTooLongToReadIsNamedByItsFieldWithoutRepeatingIt() {
    DatabaseConnection read = JSON.unmarshal("""
        {"apiVersion": "dbops.io/v1alpha1", "kind": "DatabaseConnection", "metadata": {"name": "bad"},
         "spec": {"port": "%s"}}""".formatted("9".repeat(5000)), DatabaseConnection.class);

    assertThat(read.readProblem()).startsWith("spec.port: cannot be read (").hasSizeLessThan(200);
  }
}
