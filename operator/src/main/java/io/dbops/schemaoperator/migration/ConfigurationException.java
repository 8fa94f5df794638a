package io.dbops.schemaoperator.migration;

/**
 * The input cannot work as written: a wrong field, a missing file, a bad name. Its message says
 * what to change. It maps to exit code 3 and is never retried.
 */
public class ConfigurationException extends RuntimeException {
  public ConfigurationException(String message) {
    super(message);
  }
}
