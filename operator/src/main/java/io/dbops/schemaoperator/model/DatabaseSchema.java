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

/** The schema one connection must have: an ordered set of migrations and how to apply them. */
@Group("dbops.io")
@Version("v1alpha1")
@Kind("DatabaseSchema")
@Plural("databaseschemas")
@Singular("databaseschema")
@ShortNames("dbschema")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.currentVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pending", jsonPath = ".status.pending[*].version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@JsonClassDescription(
    "The schema one DatabaseConnection must have: an ordered set of Flyway migrations (V1__x.sql, "
        + "R__y.sql) and how to apply them. The operator reads the database's state, runs each change in a Job,"
        + " and reports the version, what is pending and any failure here.")
@JsonDeserialize(using = TolerantResourceDeserializer.Schemas.class)
public class DatabaseSchema extends CustomResource<DatabaseSchemaSpec, DatabaseSchemaStatus>
    implements Namespaced, TolerantlyRead {
  @JsonIgnore
  private transient String readProblem;

  @Override
  @JsonPropertyDescription("The migrations one DatabaseConnection must have applied, and how to apply them.")
  public DatabaseSchemaSpec getSpec() { return super.getSpec(); }

  @Override
  @JsonPropertyDescription("What the database holds and what the operator did about it; written by the operator only.")
  public DatabaseSchemaStatus getStatus() { return super.getStatus(); }

  @Override
  public String readProblem() { return readProblem; }

  @Override
  public void setReadProblem(String problem) { this.readProblem = problem; }
}
