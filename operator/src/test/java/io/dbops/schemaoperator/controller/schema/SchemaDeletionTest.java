package io.dbops.schemaoperator.controller.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.JobSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How long deleting a DatabaseSchema waits for its running Job: as long as that Job may run. */
class SchemaDeletionTest {
  private static final Instant STARTED = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void aRunningJobIsWaitedForUntilItsOwnDeadlinePassesNotAFixedTime() {
    Job twoHours = job(7200L);

    assertThat(SchemaDeletion.deadline(twoHours, schema(null)))
        .isEqualTo(STARTED.plusSeconds(7200).plus(SchemaDeletion.DEADLINE_GRACE));
  }

  @Test
  void aJobWithoutADeadlineOfItsOwnIsGivenTheSchemasDeadlineOrTheDefault() {
    assertThat(SchemaDeletion.deadline(job(null), schema(600L))).isEqualTo(STARTED.plusSeconds(600).plus(SchemaDeletion.DEADLINE_GRACE));
    assertThat(SchemaDeletion.deadline(job(null), schema(null))).isEqualTo(STARTED.plusSeconds(1800).plus(SchemaDeletion.DEADLINE_GRACE));
  }

  private static Job job(Long activeDeadlineSeconds) {
    return new JobBuilder().withNewMetadata().withName("app-schema-aaaaaa-1").withCreationTimestamp("2026-12-02T09:59:50Z").endMetadata()
        .withNewSpec().withActiveDeadlineSeconds(activeDeadlineSeconds).endSpec()
        .withNewStatus().withStartTime(STARTED.toString()).endStatus()
        .build();
  }

  private static DatabaseSchema schema(Long activeDeadlineSeconds) {
    DatabaseSchema schema = new DatabaseSchema();
    DatabaseSchemaSpec spec = new DatabaseSchemaSpec();
    if (activeDeadlineSeconds != null) {
      JobSettings job = new JobSettings();
      job.setActiveDeadlineSeconds(activeDeadlineSeconds);
      spec.setJob(job);
    }
    schema.setSpec(spec);
    return schema;
  }
}
