package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One migration script written in the resource itself. */
public class InlineMigration {
  @Required
  @Pattern(Patterns.MIGRATION_FILE)
  private String name;

  @Required
  private String sql;

  public InlineMigration() {}

  public InlineMigration(String name, String sql) {
    this.name = name;
    this.sql = sql;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getSql() { return sql; }
  public void setSql(String sql) { this.sql = sql; }
}
