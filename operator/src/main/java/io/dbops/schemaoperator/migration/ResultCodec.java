package io.dbops.schemaoperator.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads {@link MigrationResult} as JSON. The compact form fits a Kubernetes termination
 * message (4096 bytes): it drops history, shortens the failure message, then keeps fewer list
 * entries (with their counts), and always stays valid JSON because it is built as a tree.
 */
public final class ResultCodec {
  public static final int TERMINATION_MESSAGE_LIMIT = 4096;
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private ResultCodec() {}

  public static String toJson(MigrationResult result) {
    try {
      return MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MigrationResult fromJson(String json) {
    try {
      return MAPPER.readValue(json, MigrationResult.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a migration result: " + e.getOriginalMessage(), e);
    }
  }

  public static String compact(MigrationResult result, int maxBytes) {
    ObjectNode tree = MAPPER.valueToTree(result);
    if (fits(tree, maxBytes)) {
      return write(tree);
    }
    tree.remove("history");
    tree.put("appliedCount", tree.path("applied").size());
    tree.put("pendingCount", tree.path("pending").size());
    tree.put("driftCount", tree.path("drift").size());
    tree.put("truncated", true);
    shortenFailureMessage(tree, maxBytes, 1000);
    for (int keep = 64; !fits(tree, maxBytes) && keep >= 0; keep = keep == 0 ? -1 : keep / 2) {
      keepLast(tree, "applied", keep);
      keepFirst(tree, "pending", keep);
      keepFirst(tree, "drift", keep);
    }
    shortenFailureMessage(tree, maxBytes, 0);
    return write(tree);
  }

  private static void shortenFailureMessage(ObjectNode tree, int maxBytes, int floor) {
    if (!(tree.get("failure") instanceof ObjectNode failure) || !failure.hasNonNull("message")) {
      return;
    }
    String message = failure.get("message").asText();
    while (!fits(tree, maxBytes) && message.length() > floor) {
      // Removing as many characters as there are bytes too many always makes progress.
      int overflow = bytes(tree) - maxBytes;
      message = message.substring(0, Math.max(floor, message.length() - overflow - 1));
      failure.put("message", message + "…");
    }
  }

  private static void keepLast(ObjectNode tree, String field, int keep) {
    if (tree.get(field) instanceof ArrayNode list) {
      while (list.size() > keep) {
        list.remove(0);
      }
    }
  }

  private static void keepFirst(ObjectNode tree, String field, int keep) {
    if (tree.get(field) instanceof ArrayNode list) {
      while (list.size() > keep) {
        list.remove(list.size() - 1);
      }
    }
  }

  private static boolean fits(JsonNode tree, int maxBytes) {
    return bytes(tree) <= maxBytes;
  }

  private static int bytes(JsonNode tree) {
    return write(tree).getBytes(StandardCharsets.UTF_8).length;
  }

  private static String write(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
