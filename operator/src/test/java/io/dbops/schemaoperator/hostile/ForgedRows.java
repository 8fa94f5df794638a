package io.dbops.schemaoperator.hostile;

import io.dbops.schemaoperator.hostile.HostileInput.Forged;
import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.testing.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/**
 * Jobs that claim to be a migration in progress, written by someone who may create Jobs: with the
 * operator's labels, the migration target of another team's schema (which anyone who knows that
 * database's host, port, name and schema can compute), and at most an owner reference to a
 * DatabaseSchema of their own. Each row's victim is DatabaseSchema app of the row's namespace, on
 * the same target; if the forgery were believed as the target's lock, the victim would wait with
 * WaitingForLock for as long as the forged Job lives, which for one whose Pod never starts is for ever.
 */
final class ForgedRows {
  /** The label of the target lock on a migration Job (controller/schema/TargetKeys). */
  static final String TARGET_LABEL = "dbops.io/target";

  private ForgedRows() {}

  static List<Forged> all() {
    return List.of(
        new Forged("a Job in another namespace with the operator's labels and the victim's migration target", ns -> {
          Namespace attacker = attacker(ns);
          attacker.client().batch().v1().jobs().inNamespace(attacker.name()).resource(holdingJob(ns, attacker.name(), null)).create();
          victim(ns);
        }),
        new Forged("a Job controlled by the attacker's own DatabaseSchema on the victim's target, without the victim's login", ns -> {
          Namespace attacker = attacker(ns);
          // The attacker's schema names the victim's database and schema, but its login is wrong: it is never Ready.
          ns.cluster().secret(attacker.name(), "decoy-db", Map.of("username", RowNamespace.USER, "password", "Not-The-" + ns.password()));
          attacker.create(("""
              apiVersion: dbops.io/v1alpha1
              kind: DatabaseConnection
              metadata: {name: decoy-db}
              spec:
                engine: postgres
                host: 127.0.0.1
                port: %d
                database: %s
                credentials: {secretName: decoy-db}
                tls: {mode: disable}
              ---
              apiVersion: dbops.io/v1alpha1
              kind: DatabaseSchema
              metadata: {name: decoy}
              spec:
                connectionRef: {name: decoy-db}
                schemas: [%s]
                approval: Manual
                migrations: {configMapRefs: [{name: nothing-here}]}
              """).formatted(ns.postgresPort(), RowNamespace.DATABASE, ns.id()));
          DatabaseSchema decoy = attacker.schema("decoy");
          attacker.client().batch().v1().jobs().inNamespace(attacker.name()).resource(holdingJob(ns, attacker.name(), decoy)).create();
          victim(ns);
        }),
        new Forged("a Job in the victim's own namespace labelled as the victim's run, without an owner", ns -> {
          ns.cluster().client().batch().v1().jobs().inNamespace(ns.name()).resource(holdingJob(ns, ns.name(), null)).create();
          ns.createdItself("Job", "app-forged-1");
          victim(ns);
        }));
  }

  /** The target key the operator labels the victim's Jobs with: computed from what the victim's spec says. */
  static String victimTarget(RowNamespace ns) {
    String database = Engine.POSTGRES + "|127.0.0.1|" + ns.postgresPort() + "|" + RowNamespace.DATABASE;
    return Sha256.hex(database + "|" + ns.id()).substring(0, 16);
  }

  private static Namespace attacker(RowNamespace ns) {
    return new Namespace(ns.cluster().client(), ns.name() + "-attacker");
  }

  /** The victim: a good connection and schema app on the row's database schema. */
  private static void victim(RowNamespace ns) {
    ns.goodConnection();
    ns.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app}
        spec:
          connectionRef: {name: app-db}
          schemas: [%s]
          migrations:
            inline:
              - {name: V1__create_users.sql, sql: "CREATE TABLE users (id BIGINT PRIMARY KEY);"}
        """.formatted(ns.id()));
  }

  /**
   * A Job that looks like a running migration on the victim's target and never finishes: its Pod
   * cannot start (an env var from a Secret that does not exist), as a kubelet would leave it.
   */
  private static Job holdingJob(RowNamespace ns, String namespace, DatabaseSchema owner) {
    JobBuilder job = new JobBuilder()
        .withNewMetadata()
            .withName("app-forged-1")
            .withNamespace(namespace)
            .addToLabels(Map.of("app.kubernetes.io/managed-by", "schema-operator", "app.kubernetes.io/name",
                "schema-operator-migration", "dbops.io/schema", owner == null ? "app" : owner.getMetadata().getName(),
                "dbops.io/operation", "migrate", "dbops.io/attempt", "1", TARGET_LABEL, victimTarget(ns)))
        .endMetadata()
        .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
            .addNewContainer().withName("hold").withImage("busybox:1.36").withCommand("sleep", "infinity")
                .addNewEnv().withName("NEVER").withNewValueFrom().withNewSecretKeyRef().withName("missing").withKey("k")
                .endSecretKeyRef().endValueFrom().endEnv()
            .endContainer()
        .endSpec().endTemplate().endSpec();
    if (owner != null) {
      job.editMetadata().addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("dbops.io/v1alpha1")
          .withKind("DatabaseSchema").withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
          .withController(true).build()).endMetadata();
    }
    return job.build();
  }
}
