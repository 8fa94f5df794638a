package io.dbops.schemaoperator.chart;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every API verb the operator uses, per resource, with the code that uses it: the chart grants
 * exactly these (HelmChartTest) and a running operator uses nothing else (OperatorRbacTest). A verb
 * the scenario of OperatorRbacTest cannot make happen says why ({@link Use#unexercised}).
 */
final class OperatorRbac {
  /** Resources are "group/resource[/subresource]", the core group empty. */
  record Use(String resource, String verb, String usedBy, String unexercised) {
    boolean exercised() {
      return unexercised == null;
    }
  }

  private static Use use(String resource, String verb, String usedBy) {
    return new Use(resource, verb, usedBy, null);
  }

  private static Use unexercised(String resource, String verb, String usedBy, String why) {
    return new Use(resource, verb, usedBy, why);
  }

  /** In every watched namespace (a ClusterRole when all are watched, else a Role in each). */
  static final List<Use> WATCHED = List.of(
      use("dbops.io/databaseconnections", "list", "java-operator-sdk's informer of the connection controller; the schema controller's"
          + " connection informer; ResourceMetrics"),
      use("dbops.io/databaseconnections", "watch", "the same informers"),
      unexercised("dbops.io/databaseconnections", "get", "SchemaObserver and SchemaDeletion (a connection not in the informer"
          + " yet), StatusWriter (re-read after a Conflict)", "only when the informer lags behind, or a status write meets a Conflict"),
      use("dbops.io/databaseconnections/status", "update", "StatusWriter: every status write is a PUT of the status subresource"),
      unexercised("dbops.io/databaseconnections/finalizers", "update", "the StatefulSet and Services of a managed instance name their"
          + " connection as owner with blockOwnerDeletion", "the API server's OwnerReferencesPermissionEnforcement checks it; the mock"
          + " API server does not"),
      use("dbops.io/databaseschemas", "list", "java-operator-sdk's informer of the schema controller; ResourceMetrics"),
      use("dbops.io/databaseschemas", "watch", "the same informers"),
      unexercised("dbops.io/databaseschemas", "get", "StatusWriter (re-read after a Conflict)",
          "only after someone else wrote the resource between the operator's read and its status write"),
      use("dbops.io/databaseschemas", "patch", "java-operator-sdk adds and removes the schema controller's finalizer; the set"
          + " controller annotates children (approve, retry) and sets Retain before deleting one"),
      unexercised("dbops.io/databaseschemas", "create", "SetActions: a DatabaseSchemaSet's child per selected connection",
          "SchemaSetScenariosTest; the RBAC scenario has no set"),
      unexercised("dbops.io/databaseschemas", "update", "SetActions: a child moved to the set's new template",
          "SchemaSetScenariosTest; the RBAC scenario has no set"),
      unexercised("dbops.io/databaseschemas", "delete", "SetActions: the child of a connection that left the set",
          "SchemaSetScenariosTest; the RBAC scenario has no set"),
      use("dbops.io/databaseschemas/status", "update", "StatusWriter"),
      use("dbops.io/databaseschemasets", "list", "java-operator-sdk's informer of the set controller"),
      use("dbops.io/databaseschemasets", "watch", "the same informer"),
      unexercised("dbops.io/databaseschemasets", "get", "StatusWriter (re-read after a Conflict)",
          "only after someone else wrote the set between the operator's read and its status write"),
      unexercised("dbops.io/databaseschemasets/status", "update", "StatusWriter", "SchemaSetScenariosTest; the RBAC scenario has no set"),
      unexercised("dbops.io/databaseschemasets/finalizers", "update", "a set's children name it as owner with blockOwnerDeletion",
          "the API server's OwnerReferencesPermissionEnforcement checks it; the mock API server does not"),
      unexercised("dbops.io/databaseschemas/finalizers", "update", "migration Jobs and scripts ConfigMaps name their schema as owner"
          + " with blockOwnerDeletion", "the API server's OwnerReferencesPermissionEnforcement checks it; the mock API server does not"),
      use("/secrets", "list", "the connection controller's metadata-only Secret informers (MetadataOnlyInformers)"),
      use("/secrets", "watch", "the same informers"),
      use("/secrets", "get", "MetadataOnlyStore.content: a login, CA or admin Secret read when a reconcile needs it"),
      use("/secrets", "create", "ManagedInstanceDriver: a managed instance's admin Secret, once (fenced by the admission policy)"),
      use("/configmaps", "list", "the schema controller's metadata-only ConfigMap informers"),
      use("/configmaps", "watch", "the same informers"),
      use("/configmaps", "get", "MetadataOnlyStore.content: a ConfigMap named in spec.migrations.configMapRefs"),
      use("/configmaps", "create", "SchemaActions and SchemaDeletion: the immutable scripts ConfigMap of inline migrations"),
      use("/configmaps", "delete", "SchemaActions.pruneOldScripts: scripts ConfigMaps of earlier revisions"),
      use("/services", "create", "ManagedInstanceDriver: a managed instance's headless and client Services"),
      use("/services", "get", "ManagedInstanceDriver: reads both Services at every reconcile, creates them when missing"),
      use("/pods", "list", "the schema controller's Pod informer (our Jobs' Pods, by label); SchemaDeletion"
          + " read a Job's Pods for its result"),
      use("/pods", "watch", "the same informer"),
      use("/events", "create", "EventRecorder"),
      use("batch/jobs", "list", "the schema controller's Job informer (by label); SchemaDeletion"),
      use("batch/jobs", "watch", "the same informer"),
      unexercised("batch/jobs", "get", "SchemaObserver: a Job that status names and the informer does not have yet",
          "only when the informer lags behind a Job this process did not create"),
      use("batch/jobs", "create", "SchemaActions (migrate, repair), SchemaDeletion (drop)"),
      use("apps/statefulsets", "list", "the connection controller's StatefulSet informer (by label)"),
      use("apps/statefulsets", "watch", "the same informer"),
      unexercised("apps/statefulsets", "get", "ManagedInstanceDriver: the StatefulSet when the informer does not have it yet",
          "only when the informer lags behind"),
      use("apps/statefulsets", "create", "ManagedInstanceDriver"),
      use("apps/statefulsets", "update", "ManagedInstanceDriver: a new image or resources roll the Pod"));

  /** In the operator's own namespace only: leader election. */
  static final List<Use> LEASE_NAMESPACE = List.of(
      use("coordination.k8s.io/leases", "get", "fabric8's LeaderElector (LeaseLock)"),
      use("coordination.k8s.io/leases", "create", "LeaseLock: the first replica creates the Lease"),
      use("coordination.k8s.io/leases", "patch", "LeaseLock: renewing and taking over the Lease"),
      unexercised("coordination.k8s.io/leases", "update", "java-operator-sdk refuses to start unless a SelfSubjectRulesReview shows"
          + " get, create and update on leases", "no request uses it: the Lease is written with patch"));

  /**
   * Requests every authenticated user may make through Kubernetes' built-in roles, which the chart
   * therefore does not grant: java-operator-sdk's check of its Lease rights at start-up.
   */
  static final List<Use> BUILT_IN = List.of(
      use("authorization.k8s.io/selfsubjectrulesreviews", "create", "java-operator-sdk's LeaderElectionManager checks its Lease"
          + " rights (ClusterRole system:basic-user grants it to system:authenticated)"));

  private OperatorRbac() {}

  /** "group/resource" -> verbs, as {@link HelmChartTest} compares a rendered role's rules. */
  static Map<String, Set<String>> verbs(List<Use> uses) {
    Map<String, Set<String>> verbs = new TreeMap<>();
    uses.forEach(u -> verbs.computeIfAbsent(u.resource(), k -> new TreeSet<>()).add(u.verb()));
    return verbs;
  }
}
