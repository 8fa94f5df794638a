package io.dbops.schemaoperator.builders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dbops.schemaoperator.migration.Sha256;
import io.dbops.schemaoperator.model.SchemaTemplate;
import java.util.Objects;

/**
 * The revision of a DatabaseSchemaSet's template: what its children are rolled to, and what a
 * set-level approval names. Only the template counts: selector and rollout settings change which
 * children exist and how fast they move, not what they are.
 */
public final class TemplateHash {
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  /** Bumped whenever what goes into the hash changes; a new operator version then rolls every set once. */
  private static final String FORMAT = "dbops.io/template-hash/v1|";
  /** Hex characters kept: short enough to type into an approval, long enough never to collide within a set's life. */
  static final int LENGTH = 16;

  private TemplateHash() {}

  public static String of(SchemaTemplate template) {
    Objects.requireNonNull(template, "template");
    try {
      return Sha256.hex(FORMAT + CANONICAL.writeValueAsString(template)).substring(0, LENGTH);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the template's model classes always serialize", e);
    }
  }
}
