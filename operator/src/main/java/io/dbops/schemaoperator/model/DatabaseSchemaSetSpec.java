package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class DatabaseSchemaSetSpec {
  @JsonPropertyDescription("The DatabaseConnections of this namespace that are tenants, by label, e.g."
      + " {matchLabels: {dbops.io/tenant-db: \"true\"}}; it must name at least one label.")
  @Required
  private ConnectionSelector selector;

  @JsonPropertyDescription("The DatabaseSchema spec each tenant's child gets, without connectionRef (the set fills it in).")
  @Required
  private SchemaTemplate template;

  @JsonPropertyDescription("How a new template reaches the children: canaries first, then a batch at a time.")
  private Rollout rollout;

  public ConnectionSelector getSelector() { return selector; }
  public void setSelector(ConnectionSelector selector) { this.selector = selector; }
  public SchemaTemplate getTemplate() { return template; }
  public void setTemplate(SchemaTemplate template) { this.template = template; }
  public Rollout getRollout() { return rollout; }
  public void setRollout(Rollout rollout) { this.rollout = rollout; }
}
