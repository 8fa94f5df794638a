package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbops.schemaoperator.migration.MigrationResult.AppliedScript;
import io.dbops.schemaoperator.migration.MigrationResult.Operation;
import io.dbops.schemaoperator.migration.MigrationResult.PendingScript;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void smallResultIsWrittenWholeAndReadsBackEqual() {
    MigrationResult result = new MigrationResult(Operation.migrate, true, "2",
        List.of(applied(1), applied(2)), List.of(), null, null, null);

    String compact = ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT);

    assertThat(compact).isEqualTo(ResultCodec.toJson(result));
    assertThat(ResultCodec.fromJson(compact)).isEqualTo(result);
  }

  @Test
  void fiveHundredAppliedScriptsFitInFourKibibytesWithTheirCountAndTheLatestOnes() throws Exception {
    List<AppliedScript> applied = new ArrayList<>();
    for (int v = 1; v <= 500; v++) {
      applied.add(applied(v));
    }
    List<PendingScript> pending = new ArrayList<>();
    for (int v = 501; v <= 700; v++) {
      pending.add(new PendingScript(String.valueOf(v), "create table " + v, "SQL", "V" + v + "__create_table_" + v + ".sql", v));
    }
    MigrationResult result = new MigrationResult(Operation.migrate, true, "500", applied, pending, null, null, null);

    String compact = ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT);

    assertThat(compact.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    JsonNode tree = JSON.readTree(compact);
    assertThat(tree.get("appliedCount").asInt()).isEqualTo(500);
    assertThat(tree.get("pendingCount").asInt()).isEqualTo(200);
    assertThat(tree.get("truncated").asBoolean()).isTrue();
    JsonNode kept = tree.get("applied");
    assertThat(kept.size()).isPositive();
    assertThat(kept.get(kept.size() - 1).get("version").asText()).isEqualTo("500");
    assertThat(tree.get("currentVersion").asText()).isEqualTo("500");
  }

  @Test
  void hugeFailureMessageIsCutButTheRestSurvivesAsValidJson() throws Exception {
    String message = "syntax error near \"é\" " + "x\"y\\z ".repeat(3000);
    MigrationFailure failure = new MigrationFailure(FailureReason.MigrationFailed, "5", "V5__add_orders.sql", "42601",
        message, false, null);
    MigrationResult result = MigrationResult.failed(Operation.migrate, failure);

    String compact = ResultCodec.compact(result, ResultCodec.TERMINATION_MESSAGE_LIMIT);

    assertThat(compact.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    JsonNode f = JSON.readTree(compact).get("failure");
    assertThat(f.get("script").asText()).isEqualTo("V5__add_orders.sql");
    assertThat(f.get("sqlState").asText()).isEqualTo("42601");
    assertThat(f.get("message").asText()).startsWith("syntax error near \"é\"").endsWith("…");
  }

  @Test
  void multiByteMessagesAreMeasuredInBytes() throws Exception {
    MigrationFailure failure = new MigrationFailure(FailureReason.MigrationFailed, "1", "V1__x.sql", "42601",
        "ошибка синтаксиса ".repeat(1000), false, null);

    String compact = ResultCodec.compact(MigrationResult.failed(Operation.migrate, failure), 4096);

    assertThat(compact.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(JSON.readTree(compact).get("failure").get("message").asText()).startsWith("ошибка");
  }

  private static AppliedScript applied(int v) {
    return new AppliedScript(String.valueOf(v), "create table " + v, "SQL", "V" + v + "__create_table_" + v + ".sql",
        1000 + v, 3, "2026-11-22T06:00:00Z", true);
  }
}
