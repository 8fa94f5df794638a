package io.dbops.schemaoperator.model;

public enum Approval {
  Automatic,
  Manual
}
