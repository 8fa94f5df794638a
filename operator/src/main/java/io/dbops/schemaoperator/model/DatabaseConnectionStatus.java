package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

public class DatabaseConnectionStatus {
  @Min(0)
  @Max(Limits.SAFE_INTEGER)
  @JsonPropertyDescription("The metadata.generation this status describes; Ready is current only when they are equal.")
  private Long observedGeneration;

  @SchemaFrom(type = KubernetesTypeSchemas.Condition[].class)
  @JsonPropertyDescription("Ready (the probe logged in), Reconciling (a first probe or a retry is under way) and"
      + " Stalled (a person must act), each with a reason and a message saying what to change.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The server's product and version as its driver reports them, e.g. PostgreSQL 16.4.")
  private String serverVersion;

  @Min(0)
  @Max(Limits.SAFE_INTEGER)
  @JsonPropertyDescription("Round-trip time of the last probe's SELECT 1, in milliseconds.")
  private Long latencyMillis;

  @JsonPropertyDescription("When the operator last probed the database (RFC 3339).")
  private String lastProbeTime;

  @JsonPropertyDescription("host:port the operator connects to, e.g. app-db.team-a.svc:5432, or (urlFrom Secret).")
  private String endpoint;

  @JsonPropertyDescription("With spec.instance: the objects the operator deployed, and whether the database runs.")
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
