package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;

public class Policy {
  @Default("Allow")
  private DestructivePolicy destructive;

  public DestructivePolicy getDestructive() { return destructive; }
  public void setDestructive(DestructivePolicy destructive) { this.destructive = destructive; }
}
