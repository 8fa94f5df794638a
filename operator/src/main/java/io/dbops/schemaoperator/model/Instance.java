package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** A database the operator deploys itself as a one-replica StatefulSet. */
public class Instance {
  @Required
  private String image;

  @Required
  private Storage storage;

  private ResourceRequirements resources;
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
