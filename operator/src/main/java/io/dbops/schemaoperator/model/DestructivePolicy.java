package io.dbops.schemaoperator.model;

/** What a run whose pending scripts hold destructive changes (status.findings) may do. */
public enum DestructivePolicy {
  /** Run as any other. */
  Allow,
  /** Wait for dbops.io/approve naming the plan, as approval: Manual does, even for an Automatic schema. */
  RequireApproval,
  /** Never run it: Stalled, reason DestructiveChange. */
  Refuse
}
