package io.dbops.schemaoperator.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseConnectionStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private String serverVersion;
  private Long latencyMillis;
  private String lastProbeTime;
  private String endpoint;
  private InstanceStatus instance;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public String getServerVersion() { return serverVersion; }
  public void setServerVersion(String serverVersion) { this.serverVersion = serverVersion; }
  public Long getLatencyMillis() { return latencyMillis; }
  public void setLatencyMillis(Long latencyMillis) { this.latencyMillis = latencyMillis; }
  public String getLastProbeTime() { return lastProbeTime; }
  public void setLastProbeTime(String lastProbeTime) { this.lastProbeTime = lastProbeTime; }
  public String getEndpoint() { return endpoint; }
  public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  public InstanceStatus getInstance() { return instance; }
  public void setInstance(InstanceStatus instance) { this.instance = instance; }
}
