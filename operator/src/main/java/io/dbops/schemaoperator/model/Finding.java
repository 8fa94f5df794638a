package io.dbops.schemaoperator.model;

/** A destructive change in a pending script (migration/DestructiveChanges), as status lists it. */
public class Finding {
  private String script;
  /** Position of the statement in the script, from 1. */
  private Integer statement;
  private String kind;
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
