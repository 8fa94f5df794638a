package io.dbops.schemaoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.runtime.LeaderElection;
import io.dbops.schemaoperator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `schema-operator run` as its Pod runs it, leader election on (the default in a cluster): a
 * separate JVM against the mock API server, stopped the way the kubelet stops it.
 */
class RunCommandProcessTest {
  private static final String LEASE_NAMESPACE = "dbops-system";
  private static final String IDENTITY = "schema-operator-0";

  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void sigtermStopsTheLeaderPromptly() throws Exception {
    try (ChildJvm.Running operator = ChildJvm.start(podEnvironment(), "run")) {
      await("it holds the Lease", () -> IDENTITY.equals(leaseHolder()), operator);

      operator.process().destroy();

      assertThat(operator.process().waitFor(30, TimeUnit.SECONDS))
          .as("exited after SIGTERM; it hung before, calling System.exit inside its shutdown hook").isTrue();
    }
  }

  @Test
  void aReplicaThatLosesItsLeaseExitsSoOnlyTheNewHolderReconciles() throws Exception {
    try (ChildJvm.Running operator = ChildJvm.start(podEnvironment(), "run")) {
      await("it holds the Lease", () -> IDENTITY.equals(leaseHolder()), operator);

      // Another replica took the Lease, as after a network partition longer than the renew deadline.
      // The holder renews every second, so a write of ours may meet a newer version: write again then.
      await("another replica took the Lease", this::takeLease, operator);

      assertThat(operator.process().waitFor(60, TimeUnit.SECONDS)).as("exited once it could not renew").isTrue();
      assertThat(operator.process().exitValue()).isEqualTo(1);
      assertThat(operator.stdout() + operator.stderr()).contains("lost the leader-election Lease");
      assertThat(leaseHolder()).isEqualTo("schema-operator-1");
    }
  }

  private Map<String, String> podEnvironment() {
    return Map.of(
        "KUBERNETES_MASTER", client.getMasterUrl().toString(),
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
        "OPERATOR_IMAGE", "ghcr.io/dbops/schema-operator:test",
        "LEADER_ELECTION", "true",
        "POD_NAMESPACE", LEASE_NAMESPACE,
        "HOSTNAME", IDENTITY,
        "HTTP_PORT", "0");
  }

  private boolean takeLease() {
    try {
      client.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElection.LEASE_NAME).edit(lease -> {
        lease.getSpec().setHolderIdentity("schema-operator-1");
        lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
        lease.getSpec().setAcquireTime(ZonedDateTime.now(ZoneOffset.UTC));
        return lease;
      });
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private String leaseHolder() {
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void await(String what, BooleanSupplier condition, ChildJvm.Running operator) throws Exception {
    Instant limit = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      if (!operator.process().isAlive() || Instant.now().isAfter(limit)) {
        throw new AssertionError(what + ": not within 60 s; output:\n" + operator.stdout() + operator.stderr());
      }
      Thread.sleep(200);
    }
  }
}
