package io.dbops.schemaoperator.controller.schema;

import io.dbops.schemaoperator.migration.FailureReason;
import io.dbops.schemaoperator.migration.MigrationFailure;
import io.dbops.schemaoperator.migration.MigrationResult;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.ResultCodec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What a finished migration Job did, read from its Pod's termination message. */
final class JobOutcome {
  private JobOutcome() {}

  static boolean finished(Job job) {
    return condition(job, "Complete").isPresent() || condition(job, "Failed").isPresent();
  }

  /**
   * The Job's result. A Job that failed without a readable result (deadline exceeded, Pod gone,
   * container killed) becomes a failure of its own reason, never a hang.
   */
  static MigrationResult read(Job job, List<Pod> pods, Operation operation) {
    Optional<String> message = pods.stream()
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp()).reversed())
        .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null
            ? java.util.stream.Stream.empty() : p.getStatus().getContainerStatuses().stream())
        .filter(cs -> "migrate".equals(cs.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null && s.getTerminated().getMessage() != null
            && !s.getTerminated().getMessage().isBlank())
        .map(s -> s.getTerminated().getMessage())
        .findFirst();
    if (message.isPresent()) {
      try {
        return ResultCodec.fromJson(message.get());
      } catch (IllegalArgumentException e) {
        return failure(operation, "ResultUnreadable", "the Job's Pod left a termination message that is not a result: " + e.getMessage());
      }
    }
    Optional<JobCondition> failed = condition(job, "Failed");
    if (failed.isPresent() && "DeadlineExceeded".equals(failed.get().getReason())) {
      return failure(operation, "DeadlineExceeded", "Job " + job.getMetadata().getName()
          + " ran longer than its activeDeadlineSeconds and was stopped: raise spec.job.activeDeadlineSeconds or make the script faster");
    }
    if (failed.isPresent()) {
      return failure(operation, "JobFailed", "Job " + job.getMetadata().getName() + " failed without a result ("
          + failed.get().getReason() + "): see the Pod's log");
    }
    return failure(operation, "NoResult", "Job " + job.getMetadata().getName() + " completed but its Pod left no result");
  }

  static MigrationResult vanished(String jobName, Operation operation) {
    return failure(operation, "JobVanished", "Job " + jobName + " disappeared before it reported a result: it was deleted, or its TTL expired");
  }

  private static MigrationResult failure(Operation operation, String reason, String message) {
    // These reasons are not the engine's; they travel in the message and the Unexpected reason.
    return MigrationResult.failed(operation,
        new MigrationFailure(FailureReason.Unexpected, null, null, null, reason + ": " + message, false, null));
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }
}
