package io.dbops.schemaoperator.controller.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.builders.BackupJobBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a finished backup Job did, from its Pod's termination message: the result JSON the script
 * writes on success, or the log's last lines the kubelet puts there when it failed.
 *
 * @param file the dump's path in the claim (SQL Server: its name in the server's backup directory)
 */
record BackupOutcome(boolean success, String file, Long bytes, String version, String message) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MESSAGE_LIMIT = 600;

  static BackupOutcome read(Job job, List<Pod> pods) {
    Optional<ContainerStatus> container = pods.stream()
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp())
            .reversed())
        .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? Stream.empty()
            : p.getStatus().getContainerStatuses().stream())
        .filter(cs -> BackupJobBuilder.CONTAINER.equals(cs.getName()) && cs.getState() != null && cs.getState().getTerminated() != null)
        .findFirst();
    String message = container.map(cs -> cs.getState().getTerminated().getMessage()).orElse(null);
    boolean exitedZero = container.map(cs -> Integer.valueOf(0).equals(cs.getState().getTerminated().getExitCode())).orElse(false);
    if (exitedZero && message != null) {
      try {
        JsonNode result = JSON.readTree(message);
        if (result.hasNonNull("file")) {
          return new BackupOutcome(true, result.get("file").asText(), result.path("bytes").asLong(),
              result.path("version").asText(null), null);
        }
      } catch (IOException e) {
        // Not a result: reported below as a backup without one.
      }
    }
    String name = job.getMetadata().getName();
    if (message != null && !message.isBlank()) {
      String tail = message.strip();
      tail = tail.length() > MESSAGE_LIMIT ? "..." + tail.substring(tail.length() - MESSAGE_LIMIT) : tail;
      return failed("backup Job " + name + " failed: " + tail.replaceAll("\\s*\\R\\s*", " / "));
    }
    boolean deadline = job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions().stream()
        .anyMatch(c -> "Failed".equals(c.getType()) && "DeadlineExceeded".equals(c.getReason()));
    return failed(deadline
        ? "backup Job " + name + " ran longer than spec.job.activeDeadlineSeconds and was stopped"
        : "backup Job " + name + " ended without a result: see its Pod's log");
  }

  static BackupOutcome vanished(String job) {
    return failed("backup Job " + job + " disappeared before it reported a result");
  }

  private static BackupOutcome failed(String message) {
    return new BackupOutcome(false, null, null, null, message);
  }
}
