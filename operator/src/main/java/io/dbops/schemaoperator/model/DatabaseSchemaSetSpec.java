package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Required;

public class DatabaseSchemaSetSpec {
  /** DatabaseConnections in the set's own namespace. */
  @Required
  private ConnectionSelector selector;

  @Required
  private SchemaTemplate template;

  private Rollout rollout;

  public ConnectionSelector getSelector() { return selector; }
  public void setSelector(ConnectionSelector selector) { this.selector = selector; }
  public SchemaTemplate getTemplate() { return template; }
  public void setTemplate(SchemaTemplate template) { this.template = template; }
  public Rollout getRollout() { return rollout; }
  public void setRollout(Rollout rollout) { this.rollout = rollout; }
}
