package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.testing.ApiCall.ResourceRequest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Helm chart, rendered by real Helm ({@link RenderedChart}), lets the operator's
 * ServiceAccount do: the ClusterRoles bound to it cluster-wide, and the Roles (or ClusterRoles)
 * bound to it in one namespace. Read from the chart each time, never from a copy, so a narrowed
 * chart is checked as it is; rendered with the chart's default values but for the namespaces an
 * operator watches, as the chart would be installed for that operator.
 */
public final class ChartRbac {
  /**
   * Granted to every authenticated user by Kubernetes' default ClusterRoles (system:basic-user,
   * system:discovery), whatever a chart says: a client asking what it may do.
   */
  private static final Set<String> EVERY_USER_MAY = Set.of(
      "create authorization.k8s.io/selfsubjectrulesreviews", "create authorization.k8s.io/selfsubjectaccessreviews");
  private static final Map<List<String>, ChartRbac> RENDERED = new ConcurrentHashMap<>();

  private final List<PolicyRule> clusterWide = new ArrayList<>();
  private final Map<String, List<PolicyRule>> inNamespace = new HashMap<>();

  private ChartRbac(List<HasMetadata> objects) {
    String account = objects.stream().filter(ServiceAccount.class::isInstance).map(o -> o.getMetadata().getName())
        .findFirst().orElseThrow(() -> new IllegalStateException("the chart renders no ServiceAccount"));
    Map<String, List<PolicyRule>> clusterRoles = new HashMap<>();
    Map<String, List<PolicyRule>> roles = new HashMap<>();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole r) {
        clusterRoles.put(r.getMetadata().getName(), r.getRules());
      } else if (o instanceof Role r) {
        roles.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r.getRules());
      }
    }
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRoleBinding b && bindsAccount(b.getSubjects(), account)) {
        clusterWide.addAll(clusterRoles.getOrDefault(b.getRoleRef().getName(), List.of()));
      } else if (o instanceof RoleBinding b && bindsAccount(b.getSubjects(), account)) {
        String ns = b.getMetadata().getNamespace();
        RoleRef ref = b.getRoleRef();
        List<PolicyRule> granted = "ClusterRole".equals(ref.getKind()) ? clusterRoles.getOrDefault(ref.getName(), List.of())
            : roles.getOrDefault(ns + "/" + ref.getName(), List.of());
        inNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).addAll(granted);
      }
    }
  }

  private static boolean bindsAccount(List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects, String account) {
    return subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
        && account.equals(s.getName()) && RenderedChart.NAMESPACE.equals(s.getNamespace()));
  }

  /** The chart with its default values: every namespace watched, through a ClusterRole. */
  public static ChartRbac ofDefaultChart() {
    return watching(Set.of());
  }

  /**
   * The chart with value watchNamespaces set to {@code namespaces} (empty: every namespace), as
   * installed for an operator with that WATCH_NAMESPACES; rendered once per JVM for each set.
   */
  public static ChartRbac watching(Set<String> namespaces) {
    List<String> sorted = namespaces.stream().sorted().toList();
    return RENDERED.computeIfAbsent(sorted, list -> new ChartRbac(RenderedChart.render(template -> {
      for (int i = 0; i < list.size(); i++) {
        template.set("watchNamespaces[" + i + "]", list.get(i));
      }
      return template;
    })));
  }

  /** The rules that apply to the operator in {@code namespace}: the cluster-wide ones and that namespace's. */
  public List<PolicyRule> rulesIn(String namespace) {
    List<PolicyRule> rules = new ArrayList<>(clusterWide);
    rules.addAll(inNamespace.getOrDefault(namespace, List.of()));
    return rules;
  }

  public boolean allows(ResourceRequest request) {
    if (EVERY_USER_MAY.contains(request.verb() + " " + request.group() + "/" + request.resource())) {
      return true;
    }
    if (clusterWide.stream().anyMatch(rule -> matches(rule, request))) {
      return true;
    }
    return !request.namespace().isEmpty()
        && inNamespace.getOrDefault(request.namespace(), List.of()).stream().anyMatch(rule -> matches(rule, request));
  }

  private static boolean matches(PolicyRule rule, ResourceRequest request) {
    return anyOf(rule.getApiGroups(), request.group())
        && anyOf(rule.getResources(), request.rbacResource())
        && anyOf(rule.getVerbs(), request.verb())
        // resourceNames narrow a rule to named objects; a create or a list names none.
        && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
            || !request.name().isEmpty() && rule.getResourceNames().contains(request.name()));
  }

  private static boolean anyOf(List<String> allowed, String value) {
    return allowed != null && (allowed.contains(value) || allowed.contains("*"));
  }

  /**
   * The requests in {@code calls} that the chart does not allow, one line for each distinct
   * "verb group/resource in namespace"; requests that name no resource (discovery) are not checked.
   */
  public List<String> refused(Collection<ApiCall> calls) {
    Map<String, String> refused = new TreeMap<>();
    for (ApiCall call : calls) {
      call.resourceRequest().filter(r -> !allows(r)).ifPresent(r -> refused.putIfAbsent(
          r.describe() + (r.namespace().isEmpty() ? " cluster-wide" : " in namespace " + r.namespace()),
          "for example " + call.method() + " " + call.path() + " by " + call.userAgent() + ", answered " + call.status()));
    }
    return refused.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
  }
}
