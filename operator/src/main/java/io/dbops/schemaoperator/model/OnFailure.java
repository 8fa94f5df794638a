package io.dbops.schemaoperator.model;

/** What a set's rollout does once a child at the current template has failed. */
public enum OnFailure {
  /** No further child starts until the failure is dealt with. */
  Stop,
  /** The other children go on; the failed one waits for a person. */
  Continue
}
