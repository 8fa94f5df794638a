package io.dbops.schemaoperator.hostile;

import io.dbops.schemaoperator.hostile.HostileInput.Deleted;
import java.util.List;

/**
 * Schemas the operator refused, deleted with deletionPolicy Drop: a drop needs a Job made from the
 * same spec, so whatever kept the migration Job from being made keeps the drop Job from it too.
 */
final class DeletedRows {
  private DeletedRows() {}

  static List<Deleted> all() {
    return List.of(
        new Deleted("a schema whose placeholders no Job can carry, deleted with deletionPolicy Drop",
            "the drop Job cannot be made: the migration Job would give its container", ns -> {
              ns.goodConnection();
              ns.create(OperatorRows.schemaYaml(ns, OperatorRows.inline() + "deletionPolicy: Drop\n"
                  + "placeholders: {big: \"" + "x".repeat(200 * 1024) + "\"}"));
            }),
        new Deleted("a schema with two inline scripts of the same name, stored past the CRD, deleted with deletionPolicy Drop",
            "the drop Job cannot be made: spec.migrations.inline names these scripts more than once", ns -> {
              ns.goodConnection();
              ns.storePastTheCrd("DatabaseSchema", "app", """
                  {"connectionRef": {"name": "app-db"}, "schemas": ["%s"], "deletionPolicy": "Drop", "migrations": {"inline": [
                    {"name": "V1__create_users.sql", "sql": "CREATE TABLE users (id BIGINT);"},
                    {"name": "V1__create_users.sql", "sql": "CREATE TABLE admins (id BIGINT);"}]}}""".formatted(ns.id()));
            }));
  }
}
