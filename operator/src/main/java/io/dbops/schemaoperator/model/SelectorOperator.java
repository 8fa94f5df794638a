package io.dbops.schemaoperator.model;

public enum SelectorOperator {
  In,
  NotIn,
  Exists,
  DoesNotExist
}
