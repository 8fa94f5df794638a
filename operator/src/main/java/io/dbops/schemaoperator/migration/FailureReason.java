package io.dbops.schemaoperator.migration;

/** Why an operation failed, as a CamelCase reason fit for a Kubernetes condition. */
public enum FailureReason {
  /** The server could not be reached or dropped the connection. */
  Unreachable,
  AuthenticationFailed,
  TlsFailed,
  DatabaseMissing,
  /** A lock or deadlock stopped a statement; retrying may succeed. */
  LockTimeout,
  /** A script failed. */
  MigrationFailed,
  /** An applied script no longer matches the one given, or the history records a failed run. */
  ValidationFailed,
  /** A script below the newest applied version was never applied, and outOfOrder is off. */
  ScriptOutOfOrder,
  /** A pending script changes data destructively and spec.policy.destructive holds it back (local apply). */
  DestructiveChange,
  ConfigurationInvalid,
  /** Anything else; its message says what happened. */
  Unexpected
}
