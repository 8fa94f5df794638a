package io.dbops.schemaoperator.migration;

/** Where the engine tells a person what it is doing; lines are already free of secrets. */
@FunctionalInterface
public interface Progress {
  void line(String text);

  static Progress silent() {
    return text -> {};
  }
}
