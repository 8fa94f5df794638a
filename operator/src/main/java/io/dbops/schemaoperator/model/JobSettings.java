package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the migration Job's Pod is scheduled and sized. */
public class JobSettings {
  @JsonPropertyDescription("The ServiceAccount the Job's Pod runs as. Default: the namespace's default. The Pod"
      + " mounts no token.")
  private String serviceAccountName;

  @SchemaFrom(type = KubernetesTypeSchemas.Resources.class)
  @JsonPropertyDescription("CPU and memory for the migration container, e.g. {limits: {memory: 512Mi}}.")
  private ResourceRequirements resources;

  @Min(1)
  @Max(604800)
  @JsonPropertyDescription("Seconds a migration run may take before Kubernetes stops its Job (1 to 604800, a week)."
      + " Default 1800.")
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription("Node labels the Job's Pod must run on, e.g. {kubernetes.io/arch: amd64}.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @SchemaFrom(type = KubernetesTypeSchemas.Toleration[].class)
  @JsonPropertyDescription("Taints the Job's Pod tolerates, as in a Pod spec.")
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Extra labels for the Job's Pod, e.g. for network policies; the operator's own labels win.")
  private Map<String, String> podLabels = new LinkedHashMap<>();

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
