package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.testing.RestrictedPodSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The objects of a managed database, built from the resource alone, as the API server would receive them. */
class ManagedInstanceBuildersTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void postgresKeepsItsDataInASubdirectoryOfARetainedClaimAndIsReadyWhenItAnswers() {
    StatefulSet set = InstanceStatefulSetBuilder.build(connection("""
        engine: postgres
        database: app
        instance:
          image: postgres:16
          storage: {size: 20Gi, storageClassName: fast}
          resources: {requests: {cpu: 500m, memory: 1Gi}}
        """));

    assertThat(set.getMetadata().getName()).isEqualTo("app-db");
    assertThat(set.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("DatabaseConnection");
      assertThat(o.getController()).isTrue();
    });
    assertThat(set.getSpec().getReplicas()).isEqualTo(1);
    assertThat(set.getSpec().getServiceName()).isEqualTo("app-db-headless");
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    var claim = set.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("20Gi");
    Container postgres = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(postgres.getImage()).isEqualTo("postgres:16");
    assertThat(postgres.getResources().getRequests().get("memory").toString()).isEqualTo("1Gi");
    assertThat(env(postgres, "PGDATA").getValue()).isEqualTo("/var/lib/postgresql/data/pgdata");
    assertThat(postgres.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/postgresql/data"));
    assertThat(env(postgres, "POSTGRES_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-db-admin");
    assertThat(env(postgres, "POSTGRES_PASSWORD").getValue()).isNull();
    assertThat(postgres.getReadinessProbe().getExec().getCommand()).startsWith("pg_isready");
    assertThat(set.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void sqlServerGetsItsEditionTheLicenceFlagAndItsWholeDirectoryOnTheVolume() {
    StatefulSet set = InstanceStatefulSetBuilder.build(connection("""
        engine: sqlserver
        database: reports
        instance:
          image: mcr.microsoft.com/mssql/server:2022-latest
          storage: {size: 10Gi}
          sqlserver: {acceptEula: true, edition: Express}
        """));

    Container mssql = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(mssql, "ACCEPT_EULA").getValue()).isEqualTo("Y");
    assertThat(env(mssql, "MSSQL_PID").getValue()).isEqualTo("Express");
    assertThat(env(mssql, "MSSQL_SA_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    assertThat(mssql.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/opt/mssql"));
    var security = set.getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(security.getRunAsUser()).isEqualTo(10001L);
    assertThat(security.getRunAsGroup()).isEqualTo(10001L);
    assertThat(security.getFsGroup()).isEqualTo(10001L);
    assertThat(String.join(" ", mssql.getReadinessProbe().getExec().getCommand()))
        .contains("/opt/mssql-tools18/bin/sqlcmd -C", "SELECT 1", "\"$MSSQL_SA_PASSWORD\"");
    assertThat(set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).as("the cluster's default").isNull();
  }

  @Test
  void mariadbGetsItsRootPasswordFromTheSecret() {
    StatefulSet set = InstanceStatefulSetBuilder.build(connection("""
        engine: mariadb
        database: shop
        instance: {image: "mariadb:11.4", storage: {size: 5Gi}}
        """));
    Container mariadb = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(mariadb, "MARIADB_ROOT_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-db-admin");
    assertThat(mariadb.getVolumeMounts().get(0).getMountPath()).isEqualTo("/var/lib/mysql");
  }

  @Test
  void everyEngineRunsAsItsImagesOwnNonRootUserUnderTheRestrictedPodSecurityStandard() {
    Map<String, Long> users = Map.of("postgres", 999L, "mariadb", 999L, "sqlserver", 10001L);
    users.forEach((engine, user) -> {
      StatefulSet set = InstanceStatefulSetBuilder.build(connection("""
          engine: %s
          database: app
          instance: {image: "x:1", storage: {size: 1Gi}, sqlserver: {acceptEula: true}}
          """.formatted(engine)));
      var pod = set.getSpec().getTemplate().getSpec();

      assertThat(RestrictedPodSecurity.violations(pod)).as(engine).isEmpty();
      assertThat(pod.getSecurityContext().getRunAsUser()).as(engine).isEqualTo(user);
      assertThat(pod.getSecurityContext().getRunAsGroup()).as(engine).isEqualTo(user);
      assertThat(pod.getSecurityContext().getFsGroup()).as("%s: the volume is writable by the image's user", engine).isEqualTo(user);
      assertThat(pod.getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    });
  }

  @Test
  void theHeadlessServiceNamesThePodAndTheClientServiceIsTheEndpoint() {
    DatabaseConnection connection = connection("""
        engine: postgres
        database: app
        instance: {image: postgres:16, storage: {size: 1Gi}}
        """);
    Service headless = InstanceServicesBuilder.headless(connection);
    Service client = InstanceServicesBuilder.client(connection);
    assertThat(headless.getMetadata().getName()).isEqualTo("app-db-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(client.getMetadata().getName()).isEqualTo("app-db");
    assertThat(client.getSpec().getClusterIP()).isNull();
    assertThat(client.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
    assertThat(client.getSpec().getSelector()).isEqualTo(InstanceStatefulSetBuilder.build(connection).getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theAdminPasswordIsLongRandomAndMeetsSqlServersComplexityRule() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String password = AdminSecretBuilder.password(random);
      assertThat(password).hasSize(32).matches("[A-Za-z][A-Za-z0-9_.+-]*")
          .containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]").containsPattern("[_.+-]");
      seen.add(password);
    }
    assertThat(seen).hasSize(2000);
    Secret secret = AdminSecretBuilder.build(connection("""
        engine: sqlserver
        database: reports
        instance: {image: x, storage: {size: 1Gi}, sqlserver: {acceptEula: true}}
        """), random);
    assertThat(secret.getStringData()).containsEntry("username", "sa").containsKey("password");
    assertThat(secret.getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void everyoneElseSeesTheInstanceAsADatabaseAtItsServiceWithTheAdminLogin() {
    DatabaseConnection managed = connection("""
        engine: postgres
        database: app
        createDatabase: true
        instance: {image: postgres:16, storage: {size: 1Gi}}
        """);
    DatabaseConnection external = ManagedInstance.asExternal(managed, ManagedInstance.serviceHost(managed), 5432);

    assertThat(external.getSpec().getHost()).isEqualTo("app-db.team-a.svc");
    assertThat(external.getSpec().getInstance()).isNull();
    assertThat(external.getSpec().getCredentials().getSecretName()).isEqualTo("app-db-admin");
    assertThat(external.getSpec().getTls().getMode()).isEqualTo(TlsMode.DISABLE);
    assertThat(external.getSpec().wantsDatabaseCreated()).isTrue();
    assertThat(managed.getSpec().getInstance()).as("the resource itself is untouched").isNotNull();
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static DatabaseConnection connection(String spec) {
    String yaml = "apiVersion: dbops.io/v1alpha1\nkind: DatabaseConnection\nmetadata: {name: app-db, namespace: team-a, uid: 1234}\nspec:\n"
        + spec.indent(2);
    return SERIALIZATION.unmarshal(yaml, DatabaseConnection.class);
  }
}
