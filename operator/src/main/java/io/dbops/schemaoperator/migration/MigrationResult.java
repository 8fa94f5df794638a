package io.dbops.schemaoperator.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one engine operation did: the Job's termination message, the local commands' output, and
 * what the operator reads back into status. Field names are part of the Job contract.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationResult(
    Operation operation,
    boolean success,
    String currentVersion,
    List<AppliedScript> applied,
    List<PendingScript> pending,
    List<AppliedScript> history,
    List<Drift> drift,
    MigrationFailure failure) {

  public enum Operation {
    migrate, info, validate, repair, drop
  }

  public MigrationResult {
    applied = applied == null ? List.of() : List.copyOf(applied);
    pending = pending == null ? List.of() : List.copyOf(pending);
    drift = drift == null ? List.of() : List.copyOf(drift);
    history = history == null ? null : List.copyOf(history);
  }

  public static MigrationResult failed(Operation operation, MigrationFailure failure) {
    return new MigrationResult(operation, false, null, List.of(), List.of(), null, List.of(), failure);
  }

  /** 0 success, 1 permanent failure, 2 transient, 3 bad configuration: the contract of every command. */
  public int exitCode() {
    if (success) {
      return 0;
    }
    if (failure == null) {
      return 1;
    }
    if (failure.reason() == FailureReason.ConfigurationInvalid) {
      return 3;
    }
    return failure.transientError() ? 2 : 1;
  }

  /** A script applied in this run, or a row of the schema history. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AppliedScript(
      String version,
      String description,
      String type,
      String script,
      Integer checksum,
      Integer millis,
      String installedOn,
      Boolean success) {}

  /** A script that would run next. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PendingScript(String version, String description, String type, String script, Integer checksum) {}

  /** An applied script that no longer matches what the database recorded. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Drift(String version, String script, String message) {}
}
