package io.dbops.schemaoperator.model;

public class InstanceStatus {
  private String statefulSet;
  private String service;
  private String adminSecret;
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
