package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

public class Policy {
  @JsonPropertyDescription("Allow (default): report destructive changes in status.findings and go on. RequireApproval:"
      + " wait for dbops.io/approve naming the plan, as approval: Manual does. Refuse: stall with reason DestructiveChange.")
  @Default("Allow")
  private DestructivePolicy destructive;

  public DestructivePolicy getDestructive() { return destructive; }
  public void setDestructive(DestructivePolicy destructive) { this.destructive = destructive; }
}
