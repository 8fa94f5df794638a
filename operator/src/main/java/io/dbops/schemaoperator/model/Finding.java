package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** A destructive change in a pending script (migration/DestructiveChanges), as status lists it. */
public class Finding {
  @JsonPropertyDescription("The pending script, e.g. V5__drop_legacy.sql.")
  private String script;

  @JsonPropertyDescription("Which statement of the script, counting from 1.")
  @Min(1)
  @Max(Limits.INT32)
  private Integer statement;

  @JsonPropertyDescription("DropTable, DropSchema, DropDatabase, DropColumn, DropIndex, Truncate, ColumnTypeChanged, Rename,"
      + " DeleteWithoutWhere, UpdateWithoutWhere, or Unparsed (a statement the operator cannot read).")
  private String kind;

  @JsonPropertyDescription("The object it changes, e.g. legacy or users.email; empty when it cannot be told.")
  private String object;

  public String getScript() { return script; }
  public void setScript(String script) { this.script = script; }
  public Integer getStatement() { return statement; }
  public void setStatement(Integer statement) { this.statement = statement; }
  public String getKind() { return kind; }
  public void setKind(String kind) { this.kind = kind; }
  public String getObject() { return object; }
  public void setObject(String object) { this.object = object; }
}
