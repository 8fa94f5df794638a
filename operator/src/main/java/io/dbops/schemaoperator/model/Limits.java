package io.dbops.schemaoperator.model;

/** Upper bounds for the CRDs' numbers, each one its Java field can hold. */
final class Limits {
  /** 2^53 - 1: exact as a double, so the generated maximum is what it says, and below Long.MAX_VALUE. */
  static final double SAFE_INTEGER = 9007199254740991d;
  static final double INT32 = Integer.MAX_VALUE;
  static final double YEAR_SECONDS = 365 * 24 * 3600;

  private Limits() {}
}
