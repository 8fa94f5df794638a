package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Where a database is and how to log in to it. */
@Group("dbops.io")
@Version("v1alpha1")
@Kind("DatabaseConnection")
@Plural("databaseconnections")
@Singular("databaseconnection")
@ShortNames("dbconn")
@AdditionalPrinterColumn(name = "Engine", jsonPath = ".spec.engine", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.serverVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "!has(self.spec) || !has(self.spec.instance) || self.metadata.name.matches('" + Patterns.INSTANCE_NAME + "')",
    message = "a DatabaseConnection with spec.instance names its StatefulSet and Services after itself, so its name must be"
        + " a Service name: at most 52 lower-case letters, digits and '-', starting with a letter")
@JsonClassDescription(
    "Where a database is and how to log in to it: an external server (host, credentials), one the "
        + "operator deploys (instance), or a JDBC URL kept in a Secret (urlFrom). The operator probes it and "
        + "reports Ready when it can log in; DatabaseSchemas name it in connectionRef.")
@JsonDeserialize(using = TolerantResourceDeserializer.Connections.class)
public class DatabaseConnection extends CustomResource<DatabaseConnectionSpec, DatabaseConnectionStatus>
    implements Namespaced, TolerantlyRead {
  @JsonIgnore
  private transient String readProblem;

  @Override
  @JsonPropertyDescription("Where the database is (host, instance or urlFrom), how to log in, and how to encrypt the connection.")
  public DatabaseConnectionSpec getSpec() { return super.getSpec(); }

  @Override
  @JsonPropertyDescription("What the operator found when it last probed the database; written by the operator only.")
  public DatabaseConnectionStatus getStatus() { return super.getStatus(); }

  @Override
  public String readProblem() { return readProblem; }

  @Override
  public void setReadProblem(String problem) { this.readProblem = problem; }
}
