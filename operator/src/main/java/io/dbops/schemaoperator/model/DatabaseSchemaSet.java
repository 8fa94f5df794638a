package io.dbops.schemaoperator.model;

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
public class DatabaseSchemaSet extends CustomResource<DatabaseSchemaSetSpec, DatabaseSchemaSetStatus> implements Namespaced {}
