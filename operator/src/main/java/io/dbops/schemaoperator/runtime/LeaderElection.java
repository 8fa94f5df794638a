package io.dbops.schemaoperator.runtime;

import java.time.Duration;
import java.util.UUID;

/**
 * One replica at a time reconciles: the one holding the Lease {@value #LEASE_NAME} in {@code
 * leaseNamespace}. The others keep their caches warm and wait; when the holder stops renewing, one
 * of them takes the Lease within {@code leaseDuration}.
 *
 * @param identity what the holder writes into the Lease; the Pod's name in a cluster
 * @param exitWhenLost a replica that loses the Lease (it could not renew in time) exits, so it
 *     never reconciles beside the new holder; Kubernetes starts it again as a standby. Only tests,
 *     which run several operators in one JVM, turn this off.
 */
public record LeaderElection(String leaseNamespace, String identity, Duration leaseDuration, Duration renewDeadline,
    Duration retryPeriod, boolean exitWhenLost) {
  public static final String LEASE_NAME = "schema-operator";

  /** The usual timings (15 s lease, renewed within 10 s, tried every 2 s), exiting when lost. */
  public static LeaderElection in(String leaseNamespace, String identity) {
    return new LeaderElection(leaseNamespace, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2), true);
  }

  /** The Pod's name (Kubernetes sets HOSTNAME to it), or a random identity outside a Pod. */
  static String identityFrom(String hostname) {
    return hostname == null || hostname.isBlank() ? "schema-operator-" + UUID.randomUUID() : hostname;
  }
}
