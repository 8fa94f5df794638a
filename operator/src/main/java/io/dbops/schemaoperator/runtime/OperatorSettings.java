package io.dbops.schemaoperator.runtime;

import io.dbops.schemaoperator.migration.ConfigurationException;
import io.dbops.schemaoperator.policy.WorkloadPolicy;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, from its Deployment's environment:
 *
 * <pre>
 * WATCH_NAMESPACES        comma-separated; empty watches every namespace
 * LABEL_SELECTOR          only resources with these labels (sharding several operators)
 * RECONCILE_CONCURRENCY   reconciles at once (default 10)
 * OPERATOR_IMAGE          the image migration Jobs run (required)
 * LEADER_ELECTION         true/false (default: true inside a cluster)
 * POD_NAMESPACE           where the leader-election Lease lives
 * HOSTNAME                this replica's identity in the Lease (the Pod's name)
 * HTTP_PORT               /healthz and /readyz (default 8080)
 * ALLOWED_INSTANCE_IMAGES, ALLOWED_MIGRATION_IMAGES, ALLOWED_BACKUP_IMAGES, ALLOWED_JOB_SERVICE_ACCOUNTS
 *                         what resources may put into Pods: see {@link WorkloadPolicy}
 * </pre>
 */
// leaderElection: null when this process is the only one reconciling.
public record OperatorSettings(
    Set<String> namespaces,
    String labelSelector,
    int concurrency,
    String operatorImage,
    LeaderElection leaderElection,
    int httpPort,
    WorkloadPolicy workloadPolicy) {

  /** With the workload policy an operator has when nothing is configured ({@link WorkloadPolicy#defaults}). */
  public OperatorSettings(Set<String> namespaces, String labelSelector, int concurrency, String operatorImage,
      LeaderElection leaderElection, int httpPort) {
    this(namespaces, labelSelector, concurrency, operatorImage, leaderElection, httpPort, WorkloadPolicy.defaults());
  }

  public static OperatorSettings from(Map<String, String> env) {
    String image = env.get("OPERATOR_IMAGE");
    if (image == null || image.isBlank()) {
      throw new ConfigurationException("OPERATOR_IMAGE is not set: it names the image migration Jobs run (this operator's own)");
    }
    Set<String> namespaces = Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    boolean inCluster = env.containsKey("KUBERNETES_SERVICE_HOST");
    return new OperatorSettings(
        namespaces,
        blankToNull(env.get("LABEL_SELECTOR")),
        positive(env, "RECONCILE_CONCURRENCY", 10),
        image,
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", String.valueOf(inCluster)))
            ? LeaderElection.in(env.getOrDefault("POD_NAMESPACE", "default"), LeaderElection.identityFrom(env.get("HOSTNAME")))
            : null,
        positive(env, "HTTP_PORT", 8080),
        WorkloadPolicy.from(env));
  }

  /**
   * The label keys {@code labelSelector} names ("a=b,c in (x,y),!d" names a, c and d): what the
   * children of a DatabaseSchemaSet take over from their set, so that a sharded operator that
   * watches the set also watches its children.
   */
  public java.util.Set<String> labelSelectorKeys() {
    if (labelSelector == null) {
      return Set.of();
    }
    java.util.Set<String> keys = new java.util.TreeSet<>();
    int depth = 0;
    StringBuilder term = new StringBuilder();
    for (char ch : (labelSelector + ",").toCharArray()) {
      if (ch == ',' && depth == 0) {
        String key = term.toString().trim().replaceFirst("^!", "").split("\\s+|!=|==|=")[0].trim();
        if (!key.isEmpty()) {
          keys.add(key);
        }
        term.setLength(0);
        continue;
      }
      depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
      term.append(ch);
    }
    return keys;
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + "=" + value + " is not a whole number of 0 or more: set " + name
          + " to a whole number such as " + fallback + ", or leave it unset for the default " + fallback);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
