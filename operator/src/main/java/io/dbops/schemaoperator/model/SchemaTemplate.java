package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A DatabaseSchemaSet's template: a DatabaseSchema spec without connectionRef, which the set fills
 * in per tenant. It is the DatabaseSchema spec class itself minus that one field, so every field,
 * default, bound and rule the schema gets, the template gets too.
 */
@JsonIgnoreProperties(value = "connectionRef", allowGetters = false, allowSetters = false)
public class SchemaTemplate extends DatabaseSchemaSpec {}
