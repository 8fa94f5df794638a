package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the migration Job's Pod is scheduled and sized. */
// Label keys have no OpenAPI check (a schema cannot constrain map keys); values do (see the fields). The
// operator's own Pod labels (builders/Labels; MigrationJobBuilderTest checks the list) would be overwritten
// silently, so they are refused instead.
@ValidationRule(
    value = "!has(self.podLabels) || self.podLabels.all(k, k.matches('" + Patterns.LABEL_KEY + "') && k.indexOf('/') <= 253)",
    message = "podLabels keys must be label keys: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'"
        + " beginning and ending with a letter or digit, the prefix a DNS subdomain")
@ValidationRule(
    value = "!has(self.podLabels) || !self.podLabels.exists(k, k.startsWith('dbops.io/') || k.startsWith('batch.kubernetes.io/')"
        + " || k in ['app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'controller-uid', 'job-name'])",
    message = "podLabels may not set the labels the operator and the Job controller put on the Pod:"
        + " app.kubernetes.io/managed-by, app.kubernetes.io/name, dbops.io/*, batch.kubernetes.io/*, controller-uid, job-name")
@ValidationRule(
    value = "!has(self.nodeSelector) || self.nodeSelector.all(k, k.matches('" + Patterns.LABEL_KEY + "') && k.indexOf('/') <= 253)",
    message = "nodeSelector keys must be label keys: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'"
        + " beginning and ending with a letter or digit, the prefix a DNS subdomain")
public class JobSettings {
  @Size(max = 253)
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The ServiceAccount, in this namespace, the Job's Pod runs as; the operator's settings say"
      + " which are allowed. Default: the namespace's default. The Pod mounts no token.")
  private String serviceAccountName;

  @SchemaFrom(type = KubernetesTypeSchemas.Resources.class)
  @JsonPropertyDescription("CPU and memory for the migration container, e.g. {limits: {memory: 512Mi}}.")
  private ResourceRequirements resources;

  @Min(1)
  @Max(604800)
  @JsonPropertyDescription("Seconds a migration run may take before Kubernetes stops its Job (1 to 604800, a week)."
      + " Default 1800.")
  private Long activeDeadlineSeconds;

  @Size(max = 64)
  @JsonPropertyDescription("Node labels the Job's Pod must run on, e.g. {kubernetes.io/arch: amd64}.")
  private Map<String, @Size(max = 63) @Pattern(Patterns.LABEL_VALUE) String> nodeSelector = new LinkedHashMap<>();

  @Size(max = 64)
  @SchemaFrom(type = KubernetesTypeSchemas.Toleration[].class)
  @JsonPropertyDescription("Taints the Job's Pod tolerates, as in a Pod spec.")
  private List<Toleration> tolerations = new ArrayList<>();

  @Size(max = 64)
  @JsonPropertyDescription("Extra labels for the Job's Pod, e.g. for network policies. Not the labels the operator sets"
      + " itself (app.kubernetes.io/managed-by, app.kubernetes.io/name, dbops.io/*) nor the Job controller's.")
  private Map<String, @Size(max = 63) @Pattern(Patterns.LABEL_VALUE) String> podLabels = new LinkedHashMap<>();

  public String getServiceAccountName() { return serviceAccountName; }
  public void setServiceAccountName(String serviceAccountName) { this.serviceAccountName = serviceAccountName; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public Long getActiveDeadlineSeconds() { return activeDeadlineSeconds; }
  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) { this.activeDeadlineSeconds = activeDeadlineSeconds; }
  public Map<String, String> getNodeSelector() { return nodeSelector; }
  public void setNodeSelector(Map<String, String> nodeSelector) { this.nodeSelector = nodeSelector; }
  public List<Toleration> getTolerations() { return tolerations; }
  public void setTolerations(List<Toleration> tolerations) { this.tolerations = tolerations; }
  public Map<String, String> getPodLabels() { return podLabels; }
  public void setPodLabels(Map<String, String> podLabels) { this.podLabels = podLabels; }
}
