package io.dbops.schemaoperator.controller.common;

/** Annotations people set on our resources to tell the operator something. */
public final class Annotations {
  /** Approves a Manual plan; must equal status.planHash. */
  public static final String APPROVE = "dbops.io/approve";
  /** Any new value re-runs after a permanent failure. */
  public static final String RETRY = "dbops.io/retry";
  /** Any new value runs Flyway repair. */
  public static final String REPAIR = "dbops.io/repair";

  private Annotations() {}
}
