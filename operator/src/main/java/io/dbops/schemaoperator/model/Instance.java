package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** A database the operator deploys itself as a one-replica StatefulSet. */
public class Instance {
  @Required
  @JsonPropertyDescription("The database server's image, e.g. postgres:16, mariadb:11.4 or"
      + " mcr.microsoft.com/mssql/server:2022-latest. Changing it rolls the Pod; the volume stays.")
  private String image;

  @Required
  @JsonPropertyDescription("The volume the data lives on. It is kept when the connection is deleted.")
  private Storage storage;

  @SchemaFrom(type = KubernetesTypeSchemas.Resources.class)
  @JsonPropertyDescription("CPU and memory for the database container, as in a Pod spec, e.g."
      + " {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 2Gi}}.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Settings only SQL Server's image reads.")
  private SqlServerInstance sqlserver;

  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public Storage getStorage() { return storage; }
  public void setStorage(Storage storage) { this.storage = storage; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public SqlServerInstance getSqlserver() { return sqlserver; }
  public void setSqlserver(SqlServerInstance sqlserver) { this.sqlserver = sqlserver; }
}
