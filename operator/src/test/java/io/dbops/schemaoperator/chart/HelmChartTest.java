package io.dbops.schemaoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.dbops.schemaoperator.testing.RenderedChart;
import io.dbops.schemaoperator.testing.RestrictedPodSecurity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart as real Helm renders it, every document read back as the typed object the API server would see. */
class HelmChartTest {
  private static final Path CHART = RenderedChart.CHART;
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = RenderedChart.NAMESPACE;

  @Test
  void helmLintFindsNothing() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void byDefaultTheOperatorRunsAsOneLockedDownReplicaWithClusterWideLeastPrivilege() {
    List<HasMetadata> objects = render(t -> t);

    assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getServiceAccountName()).isEqualTo(one(objects, ServiceAccount.class).getMetadata().getName());
    Container operator = pod.getContainers().get(0);
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(env(operator, "OPERATOR_IMAGE")).isEqualTo(operator.getImage()).isEqualTo("ghcr.io/dbops/schema-operator:0.1.0");
    assertThat(env(operator, "WATCH_NAMESPACES")).isEmpty();
    assertThat(operator.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });

    assertThat(grants(one(objects, ClusterRole.class).getRules())).as("the verbs OperatorRbac names, no more")
        .isEqualTo(OperatorRbac.verbs(OperatorRbac.WATCHED));
    assertThat(grants(one(objects, Role.class).getRules())).isEqualTo(OperatorRbac.verbs(OperatorRbac.LEASE_NAMESPACE));
    assertOnlyTheOperatorIsBound(objects);
  }

  @Test
  void noRuleUsesAWildcardAndSecretsAreNeverChangedOrDeleted() {
    for (List<HasMetadata> objects : List.of(render(t -> t), render(t -> t.set("watchNamespaces[0]", "team-a")))) {
      List<PolicyRule> rules = new ArrayList<>();
      objects.stream().filter(ClusterRole.class::isInstance).forEach(r -> rules.addAll(((ClusterRole) r).getRules()));
      objects.stream().filter(Role.class::isInstance).forEach(r -> rules.addAll(((Role) r).getRules()));
      assertThat(rules).isNotEmpty().allSatisfy(rule -> {
        assertThat(rule.getApiGroups()).doesNotContain("*");
        assertThat(rule.getResources()).doesNotContain("*");
        assertThat(rule.getVerbs()).doesNotContain("*");
        if (rule.getResources().contains("secrets")) {
          assertThat(rule.getVerbs()).doesNotContain("update", "patch", "delete", "deletecollection");
        }
      });
    }
  }

  @Test
  void watchingListedNamespacesGrantsRolesThereAndNothingClusterWide() {
    List<HasMetadata> objects = render(t -> t.set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b"));

    assertThat(objects).noneMatch(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding);
    List<Role> roles = all(objects, Role.class);
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b", NAMESPACE);
    roles.stream().filter(r -> !r.getMetadata().getNamespace().equals(NAMESPACE))
        .forEach(r -> assertThat(grants(r.getRules())).isEqualTo(OperatorRbac.verbs(OperatorRbac.WATCHED)));
    assertThat(all(objects, RoleBinding.class)).extracting(b -> b.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", NAMESPACE);
    assertThat(env(one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0), "WATCH_NAMESPACES"))
        .isEqualTo("team-a,team-b");
    assertOnlyTheOperatorIsBound(objects);
  }

  @Test
  void theWorkloadPolicyComesFromValuesAndByDefaultAllowsTheEngineImagesNoMigrationImageAndTheDefaultAccount() {
    Container byDefault = one(render(t -> t), Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(byDefault, "ALLOWED_INSTANCE_IMAGES")).isEqualTo("postgres,mariadb,mcr.microsoft.com/mssql/server");
    assertThat(env(byDefault, "ALLOWED_MIGRATION_IMAGES")).isEmpty();
    assertThat(env(byDefault, "ALLOWED_BACKUP_IMAGES")).isEqualTo("postgres,mariadb,mysql,mcr.microsoft.com/mssql/server");
    assertThat(env(byDefault, "ALLOWED_JOB_SERVICE_ACCOUNTS")).isEqualTo("default");

    Container tuned = one(render(t -> t.set("allowedImages.migration[0]", "ghcr.io/acme/**")
        .set("allowedImages.backup[0]", "registry.internal/db/pgdump:*")
        .set("allowedImages.instance[0]", "registry.internal/db/postgres:16*").set("allowedJobServiceAccounts[0]", "team-a/migrator")),
        Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(tuned, "ALLOWED_MIGRATION_IMAGES")).isEqualTo("ghcr.io/acme/**");
    assertThat(env(tuned, "ALLOWED_JOB_SERVICE_ACCOUNTS")).isEqualTo("team-a/migrator");
    assertThat(env(tuned, "ALLOWED_INSTANCE_IMAGES")).isEqualTo("registry.internal/db/postgres:16*");
    assertThat(env(tuned, "ALLOWED_BACKUP_IMAGES")).isEqualTo("registry.internal/db/pgdump:*");

    assertThatThrownBy(() -> render(t -> t.set("allowedImages.migration[0]", "ghcr.io/acme/(app|evil)")))
        .hasMessageContaining("allowedImages");
    assertThatThrownBy(() -> render(t -> t.set("allowedImages.migration[0]", "ghcr.io/acme/a,ghcr.io/evil/b")))
        .as("a comma would split one value in two").hasMessageContaining("allowedImages");
    assertThatThrownBy(() -> render(t -> t.set("allowedJobServiceAccounts[0]", "Team_A/migrator")))
        .hasMessageContaining("allowedJobServiceAccounts");
  }

  @Test
  void theSecretAdmissionPolicyIsOnByDefaultCanBeTurnedOffAndNamesWhatToDoOnAnOldCluster() {
    assertThat(render(t -> t.set("admissionPolicy.enabled", false))).extracting(HasMetadata::getKind)
        .doesNotContain("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    assertThatThrownBy(() -> render(t -> t.withKubeVersion("1.29.4")))
        .hasMessageContaining("Kubernetes 1.30").hasMessageContaining("admissionPolicy.enabled=false");
    assertThat(render(t -> t.withKubeVersion("1.29.4").set("admissionPolicy.enabled", false))).isNotEmpty();
  }

  @Test
  void everyReplicaCountElectsALeaderBecauseARollingUpdateRunsTheNewPodBesideTheOld() {
    for (int replicas : List.of(1, 2)) {
      Deployment deployment = one(render(t -> t.set("replicas", replicas)), Deployment.class);
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(replicas);
      assertThat(env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0), "LEADER_ELECTION"))
          .as("with %d replica(s)", replicas).isEqualTo("true");
    }
  }

  @Test
  void resourcesImageAndSelectorComeFromValues() {
    Deployment deployment = one(render(t -> t.set("resources.limits.memory", "1Gi").set("image.tag", "0.2.0")
        .set("labelSelector", "team=payments")), Deployment.class);
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
    assertThat(operator.getImage()).isEqualTo("ghcr.io/dbops/schema-operator:0.2.0");
    assertThat(env(operator, "OPERATOR_IMAGE")).isEqualTo(operator.getImage());
    assertThat(env(operator, "LABEL_SELECTOR")).isEqualTo("team=payments");
  }

  @Test
  void anExistingServiceAccountCanBeUsedAndTheMetricsServiceLeftOut() {
    List<HasMetadata> objects = render(t -> t.set("serviceAccount.create", false).set("serviceAccount.name", "platform-operators")
        .set("metrics.service.enabled", false));

    assertThat(objects).noneMatch(o -> o instanceof ServiceAccount || o instanceof io.fabric8.kubernetes.api.model.Service);
    assertThat(one(objects, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("platform-operators");
    assertThat(one(objects, ClusterRoleBinding.class).getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("platform-operators"));
    assertThatThrownBy(() -> render(t -> t.set("serviceAccount.create", false))).hasMessageContaining("serviceAccount.name");
  }

  @Test
  void theServiceMonitorScrapesTheOperatorAsJobSchemaOperator() {
    List<HasMetadata> objects = render(t -> t.set("serviceMonitor.enabled", true));
    GenericKubernetesResource monitor = generic(objects, "ServiceMonitor");
    Map<String, Object> spec = monitor.get("spec");
    assertThat(spec.get("jobLabel")).isEqualTo("app.kubernetes.io/name");
    assertThat(one(objects, io.fabric8.kubernetes.api.model.Service.class).getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "schema-operator");
    assertThat(monitor.<List<Map<String, Object>>>get("spec", "endpoints")).singleElement()
        .satisfies(e -> assertThat(e).containsEntry("path", "/metrics").containsEntry("port", "http"));
  }

  @Test
  void thePrometheusRuleIsThePlainRulesFileWithTheApprovalThresholdFromValues() throws IOException {
    Object plain = YAML.readValue(CHART.resolve("files/prometheus-rules.yaml").toFile(), Object.class);

    GenericKubernetesResource byDefault = generic(render(t -> t.set("prometheusRule.enabled", true)), "PrometheusRule");
    assertThat(YAML.convertValue(byDefault.getAdditionalProperties().get("spec"), Object.class)).isEqualTo(plain);

    GenericKubernetesResource tuned = generic(render(t -> t.set("prometheusRule.enabled", true)
        .set("prometheusRule.approvalPendingFor", "2h")), "PrometheusRule");
    List<Map<String, Object>> rules = tuned.get("spec", "groups", 0, "rules");
    assertThat(rules).filteredOn(r -> "DatabaseSchemaApprovalPendingTooLong".equals(r.get("alert")))
        .singleElement().satisfies(r -> assertThat(r).containsEntry("for", "2h"));
    assertThat(rules).filteredOn(r -> "DatabaseConnectionDown".equals(r.get("alert")))
        .singleElement().satisfies(r -> assertThat(r).containsEntry("for", "5m"));
  }

  @Test
  void theGrafanaDashboardIsAConfigMapTheSidecarLoadsHoldingTheDashboardFile() throws IOException {
    assertThat(render(t -> t)).noneMatch(o -> o instanceof ConfigMap);
    JsonNode file = JSON.readTree(CHART.resolve("files/grafana-dashboard.json").toFile());

    ConfigMap byDefault = one(render(t -> t.set("grafanaDashboard.enabled", true)), ConfigMap.class);
    ConfigMap elsewhere = one(render(t -> t.set("grafanaDashboard.enabled", true).set("grafanaDashboard.namespace", "monitoring")
        .set("grafanaDashboard.labels.team", "platform").set("grafanaDashboard.annotations.grafana_folder", "Databases")),
        ConfigMap.class);

    assertThat(byDefault.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(byDefault.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
        .containsEntry("app.kubernetes.io/name", "schema-operator");
    assertThat(byDefault.getData()).containsOnlyKeys("schema-operator.json");
    assertThat(JSON.readTree(byDefault.getData().get("schema-operator.json"))).isEqualTo(file);
    assertThat(elsewhere.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(elsewhere.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1").containsEntry("team", "platform");
    assertThat(elsewhere.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Databases");
    assertThatThrownBy(() -> render(t -> t.set("grafanaDashboard.namespace", "Monitoring"))).hasMessageContaining("namespace");
    assertThatThrownBy(() -> render(t -> t.set("grafanaDashboard.enable", true))).hasMessageContaining("enable");
  }

  @Test
  void theChartsCrdsAreTheProjectsCrds() throws IOException {
    List<Path> project = files(Path.of("..", "crds"));
    List<Path> chart = files(CHART.resolve("crds"));
    assertThat(chart.stream().map(p -> p.getFileName().toString()))
        .containsExactlyElementsOf(project.stream().map(p -> p.getFileName().toString()).toList());
    for (int i = 0; i < project.size(); i++) {
      assertThat(Files.readString(chart.get(i))).as("%s is a copy of crds/ (cp crds/*.yml helm/schema-operator/crds/)", chart.get(i))
          .isEqualTo(Files.readString(project.get(i)));
      CustomResourceDefinition crd = SERIALIZATION.unmarshal(Files.readString(chart.get(i)), CustomResourceDefinition.class);
      assertThat(crd.getSpec().getGroup()).isEqualTo("dbops.io");
    }
  }

  @Test
  void wrongValuesFailAtInstallWithWhatIsWrong() {
    assertThatThrownBy(() -> render(t -> t.set("replicas", "two"))).hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(t -> t.set("watchNamespaces[0]", "Team_A"))).hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> render(t -> t.set("image.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
    assertThatThrownBy(() -> render(t -> t.set("replica", 2))).hasMessageContaining("replica");
  }

  private static void assertOnlyTheOperatorIsBound(List<HasMetadata> objects) {
    String operatorAccount = one(objects, ServiceAccount.class).getMetadata().getName();
    List<Subject> subjects = new ArrayList<>();
    all(objects, ClusterRoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
    all(objects, RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
    // Migration Jobs run under their namespace's own ServiceAccount without a token: the chart grants them nothing.
    assertThat(subjects).isNotEmpty().allSatisfy(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(operatorAccount);
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
  }

  /** "group/resource" -> verbs, merged over the rules. */
  private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          grants.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    return grants;
  }

  private static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
    return RenderedChart.render(options);
  }

  private static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = all(objects, type);
    assertThat(matching).as("one %s", type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static GenericKubernetesResource generic(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).map(GenericKubernetesResource.class::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    }
  }
}
