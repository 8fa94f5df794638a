package io.dbops.schemaoperator.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why an operation failed, in the words status and events use. The message has been scrubbed of
 * secrets before it gets here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationFailure(
    FailureReason reason,
    String version,
    String script,
    String sqlState,
    String message,
    @JsonProperty("transient") boolean transientError,
    Boolean repairNeeded) {

  public static MigrationFailure configuration(String message) {
    return new MigrationFailure(FailureReason.ConfigurationInvalid, null, null, null, message, false, null);
  }

  public MigrationFailure withMessage(String newMessage) {
    return new MigrationFailure(reason, version, script, sqlState, newMessage, transientError, repairNeeded);
  }
}
