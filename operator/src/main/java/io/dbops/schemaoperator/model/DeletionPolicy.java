package io.dbops.schemaoperator.model;

public enum DeletionPolicy {
  Retain,
  Drop
}
