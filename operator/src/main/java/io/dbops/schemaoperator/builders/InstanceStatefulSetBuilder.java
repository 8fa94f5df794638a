package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.Instance;
import io.dbops.schemaoperator.model.SqlServerEdition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of a managed database: one replica, its data on a claim that outlives the
 * resource, the admin password only as a secretKeyRef, and a readiness probe that really queries.
 */
public final class InstanceStatefulSetBuilder {
  /** SQL Server's image runs as user mssql (10001) and needs its volume writable by that group. */
  static final long SQLSERVER_USER = 10001L;
  /** The postgres user of the official image (Debian variants; Alpine's is 70, where the entrypoint fakes 999 with nss_wrapper). */
  static final long POSTGRES_USER = 999L;
  /** The mysql user of the official MariaDB image: made by useradd -r, the first system id on Ubuntu. */
  static final long MARIADB_USER = 999L;
  static final String POSTGRES_MOUNT = "/var/lib/postgresql/data";
  /** PostgreSQL refuses a data directory holding anything else, e.g. a volume's lost+found. */
  static final String POSTGRES_PGDATA = POSTGRES_MOUNT + "/pgdata";
  static final String SQLSERVER_MOUNT = "/var/opt/mssql";
  static final String MARIADB_MOUNT = "/var/lib/mysql";

  private InstanceStatefulSetBuilder() {}

  public static StatefulSet build(DatabaseConnection connection) {
    Instance instance = connection.getSpec().getInstance();
    Engine engine = connection.getSpec().getEngine();
    Map<String, String> labels = ManagedInstance.labels(connection);
    return new StatefulSetBuilder()
        .withNewMetadata()
            .withName(ManagedInstance.statefulSetName(connection))
            .withNamespace(connection.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(Owners.controlledBy(connection))
        .endMetadata()
        .withNewSpec()
            .withReplicas(1)
            .withServiceName(ManagedInstance.headlessServiceName(connection))
            .withNewSelector().withMatchLabels(ManagedInstance.selector(connection)).endSelector()
            // The data outlives the resource: deleting or scaling never deletes the claim.
            .withNewPersistentVolumeClaimRetentionPolicy().withWhenDeleted("Retain").withWhenScaled("Retain")
            .endPersistentVolumeClaimRetentionPolicy()
            .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                    .withSecurityContext(podSecurity(engine))
                    .withAutomountServiceAccountToken(false)
                    .withContainers(container(connection, engine, instance))
                .endSpec()
            .endTemplate()
            .withVolumeClaimTemplates(claim(instance))
        .endSpec()
        .build();
  }

  private static Container container(DatabaseConnection connection, Engine engine, Instance instance) {
    int port = ManagedInstance.port(connection);
    ContainerBuilder container = new ContainerBuilder()
        .withName(engine.wireName())
        .withImage(instance.getImage())
        .withEnv(env(connection, engine))
        .addNewPort().withName("db").withContainerPort(port).endPort()
        .withReadinessProbe(readiness(engine, port))
        .withSecurityContext(containerSecurity())
        .addNewVolumeMount().withName(ManagedInstance.DATA_VOLUME).withMountPath(mountPath(engine)).endVolumeMount();
    ResourceRequirements resources = instance.getResources();
    if (resources != null) {
      container.withResources(resources);
    }
    if (engine == Engine.POSTGRES && port != Engine.POSTGRES.defaultPort()) {
      container.withArgs("-p", String.valueOf(port));
    }
    return container.build();
  }

  private static List<EnvVar> env(DatabaseConnection connection, Engine engine) {
    List<EnvVar> env = new ArrayList<>();
    EnvVar password = new EnvVarBuilder().withNewValueFrom().withNewSecretKeyRef()
        .withName(ManagedInstance.adminSecretName(connection)).withKey(ManagedInstance.PASSWORD_KEY)
        .endSecretKeyRef().endValueFrom().build();
    switch (engine) {
      case POSTGRES -> {
        env.add(named(password, "POSTGRES_PASSWORD"));
        env.add(new EnvVar("PGDATA", POSTGRES_PGDATA, null));
      }
      case SQLSERVER -> {
        // Only an explicit acceptEula: true gets here; the controller refuses the instance otherwise.
        env.add(new EnvVar("ACCEPT_EULA", "Y", null));
        SqlServerEdition edition = connection.getSpec().getInstance().getSqlserver() == null
            || connection.getSpec().getInstance().getSqlserver().getEdition() == null
            ? SqlServerEdition.Developer : connection.getSpec().getInstance().getSqlserver().getEdition();
        env.add(new EnvVar("MSSQL_PID", edition.name(), null));
        env.add(named(password, "MSSQL_SA_PASSWORD"));
        env.add(new EnvVar("MSSQL_TCP_PORT", String.valueOf(ManagedInstance.port(connection)), null));
      }
      case MYSQL, MARIADB -> {
        env.add(named(password, "MARIADB_ROOT_PASSWORD"));
        env.add(new EnvVar("MARIADB_MYSQL_LOCALHOST_USER", "1", null));
      }
    }
    return env;
  }

  private static EnvVar named(EnvVar value, String name) {
    return new EnvVarBuilder(value).withName(name).build();
  }

  /** Ready means the server answers a query, not merely that the process is up. */
  private static Probe readiness(Engine engine, int port) {
    List<String> command = switch (engine) {
      case POSTGRES -> List.of("pg_isready", "-U", "postgres", "-h", "127.0.0.1", "-p", String.valueOf(port));
      case SQLSERVER -> List.of("/bin/sh", "-c",
          "/opt/mssql-tools18/bin/sqlcmd -C -S localhost," + port + " -U sa -P \"$MSSQL_SA_PASSWORD\" -Q \"SELECT 1\"");
      case MYSQL, MARIADB -> List.of("healthcheck.sh", "--connect", "--innodb_initialized");
    };
    return new ProbeBuilder().withNewExec().withCommand(command).endExec()
        .withInitialDelaySeconds(5).withPeriodSeconds(10).withTimeoutSeconds(5).withFailureThreshold(6).build();
  }

  /**
   * The restricted Pod Security Standard: the image's own non-root user from the start, so its
   * entrypoint never runs as root to chown the volume and step down; fsGroup makes the volume
   * writable by that user instead. PostgreSQL's entrypoint then creates PGDATA (a subdirectory, owned
   * by the user, mode 0700 as initdb wants) in the group-writable volume; MariaDB's writes its socket
   * to /run/mysqld, which its image leaves world-writable for this case.
   */
  private static PodSecurityContext podSecurity(Engine engine) {
    long user = switch (engine) {
      case POSTGRES -> POSTGRES_USER;
      case SQLSERVER -> SQLSERVER_USER;
      case MYSQL, MARIADB -> MARIADB_USER;
    };
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(user)
        .withRunAsGroup(user)
        .withFsGroup(user)
        // Only when the volume's root is not already the group's: a large volume is not walked at every start.
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }

  static String mountPath(Engine engine) {
    return switch (engine) {
      case POSTGRES -> POSTGRES_MOUNT;
      case SQLSERVER -> SQLSERVER_MOUNT;
      case MYSQL, MARIADB -> MARIADB_MOUNT;
    };
  }

  private static PersistentVolumeClaim claim(Instance instance) {
    PersistentVolumeClaimBuilder claim = new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(ManagedInstance.DATA_VOLUME).endMetadata()
        .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources().addToRequests("storage", new Quantity(instance.getStorage().getSize())).endResources()
        .endSpec();
    if (instance.getStorage().getStorageClassName() != null) {
      claim.editSpec().withStorageClassName(instance.getStorage().getStorageClassName()).endSpec();
    }
    return claim.build();
  }
}
