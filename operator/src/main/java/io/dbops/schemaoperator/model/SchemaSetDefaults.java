package io.dbops.schemaoperator.model;

/** What each optional DatabaseSchemaSet field means when it is left out (see {@link SchemaDefaults} for why readers ask here). */
public final class SchemaSetDefaults {
  public static final int CANARY = 1;
  public static final int MAX_PARALLEL = 10;

  private SchemaSetDefaults() {}

  public static int canary(DatabaseSchemaSetSpec spec) {
    return spec.getRollout() == null || spec.getRollout().getCanary() == null ? CANARY : spec.getRollout().getCanary();
  }

  public static int maxParallel(DatabaseSchemaSetSpec spec) {
    return spec.getRollout() == null || spec.getRollout().getMaxParallel() == null ? MAX_PARALLEL : spec.getRollout().getMaxParallel();
  }

  public static OnFailure onFailure(DatabaseSchemaSetSpec spec) {
    return spec.getRollout() == null || spec.getRollout().getOnFailure() == null ? OnFailure.Stop : spec.getRollout().getOnFailure();
  }
}
