package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One schema for many tenant databases: a DatabaseSchema per selected DatabaseConnection in its
 * namespace, made from its template and rolled out canary first.
 */
@Group("dbops.io")
@Version("v1alpha1")
@Kind("DatabaseSchemaSet")
@Plural("databaseschemasets")
@Singular("databaseschemaset")
@ShortNames("dbschemaset")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyTargets", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.targets.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@JsonClassDescription(
    "One schema for many tenant databases: selects DatabaseConnections of its namespace by label and owns one child"
        + " DatabaseSchema per selected connection, made from its template, rolling a template change out canary first.")
@JsonDeserialize(using = TolerantResourceDeserializer.Sets.class)
public class DatabaseSchemaSet extends CustomResource<DatabaseSchemaSetSpec, DatabaseSchemaSetStatus>
    implements Namespaced, TolerantlyRead {
  @JsonIgnore
  private transient String readProblem;

  @Override
  @JsonPropertyDescription("Which connections, the schema each gets, and how a new template rolls out.")
  public DatabaseSchemaSetSpec getSpec() { return super.getSpec(); }

  @Override
  @JsonPropertyDescription("How far the rollout is, which tenants failed; written by the operator only.")
  public DatabaseSchemaSetStatus getStatus() { return super.getStatus(); }

  @Override
  public String readProblem() { return readProblem; }

  @Override
  public void setReadProblem(String problem) { this.readProblem = problem; }
}
