package io.dbops.schemaoperator.model;

/**
 * A custom resource that is read even when its spec or status holds what the model cannot (a
 * number past its Java type, a string where an object belongs, an enum value this version does
 * not know): the API server keeps objects stored under an older CRD, and one unreadable object
 * must not stop the informer that lists every other. The part that could not be read is null, and
 * {@link #readProblem()} says why, for the reconciler to report.
 */
public interface TolerantlyRead {
  /** What could not be read, e.g. "spec.healthCheck.intervalSeconds: ...", or null when all was read. */
  String readProblem();

  void setReadProblem(String problem);
}
