package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class InstanceStatus {
  @JsonPropertyDescription("The StatefulSet running the database (named after the connection).")
  private String statefulSet;

  @JsonPropertyDescription("The Service clients connect to (named after the connection).")
  private String service;

  @JsonPropertyDescription("The Secret holding the generated admin login (<connection>-admin); kept when the"
      + " connection is deleted, like the data.")
  private String adminSecret;

  @Min(0)
  @Max(Limits.INT32)
  @JsonPropertyDescription("Ready replicas of the StatefulSet: 1 once the database answers its readiness probe.")
  private Integer readyReplicas;

  public String getStatefulSet() { return statefulSet; }
  public void setStatefulSet(String statefulSet) { this.statefulSet = statefulSet; }
  public String getService() { return service; }
  public void setService(String service) { this.service = service; }
  public String getAdminSecret() { return adminSecret; }
  public void setAdminSecret(String adminSecret) { this.adminSecret = adminSecret; }
  public Integer getReadyReplicas() { return readyReplicas; }
  public void setReadyReplicas(Integer readyReplicas) { this.readyReplicas = readyReplicas; }
}
