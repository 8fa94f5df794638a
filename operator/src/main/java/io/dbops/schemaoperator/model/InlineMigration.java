package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One migration script written in the resource itself. */
public class InlineMigration {
  @Required
  @Pattern(Patterns.MIGRATION_FILE)
  @JsonPropertyDescription("The script's Flyway file name: V<version>__<description>.sql for a versioned script"
      + " (e.g. V1__create_users.sql, V1.1__add_email.sql) or R__<description>.sql for a repeatable one.")
  private String name;

  @Required
  @JsonPropertyDescription("The script's SQL, one or more statements.")
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
