package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Properties of the CEL rules themselves that no example document can show: the API server refuses the whole
 * CRD at install when one of its rules does not compile or costs too much.
 */
class CrdRulesTest {
  private static final CrdValidator CRDS = CrdValidator.forProject();
  private static final Pattern ITERATION = Pattern.compile("self((?:\\.\\w+)*)\\.(all|exists|exists_one|filter|map)\\(");

  /** Also covers rules on fields that the scenarios never set. */
  @Test
  void everyRuleCompiles() {
    List<String> errors = new ArrayList<>();
    forEachRule((path, rule) -> {
      String error = CelRules.compileError(rule.path("rule").asText());
      if (error != null) {
        errors.add(path + ": " + error);
      }
      if (rule.hasNonNull("messageExpression")) {
        String messageError = CelRules.compileError(rule.get("messageExpression").asText());
        if (messageError != null) {
          errors.add(path + " messageExpression: " + messageError);
        }
      }
    });
    assertThat(errors).isEmpty();
  }

  /**
   * The API server estimates an unbounded list as a million items of up to 3 MB each, so a macro over it exceeds
   * the cost budget ("estimated rule cost exceeds budget"). CEL-Java does not estimate cost; this catches the usual
   * cause. Map keys need no bound: the API server estimates their size as zero.
   */
  @Test
  void listsThatRulesIterateAreBounded() {
    List<String> unbounded = new ArrayList<>();
    forEachRule((path, rule, schema) -> {
      Matcher iteration = ITERATION.matcher(rule.path("rule").asText());
      while (iteration.find()) {
        JsonNode target = schema;
        for (String field : iteration.group(1).split("\\.")) {
          target = field.isEmpty() ? target : target.path("properties").path(field);
        }
        String where = path + iteration.group(1);
        if ("array".equals(target.path("type").asText())) {
          if (!target.has("maxItems")) {
            unbounded.add(where + " has no maxItems");
          }
          JsonNode items = target.path("items");
          if ("string".equals(items.path("type").asText()) && !items.has("maxLength") && !items.has("enum")) {
            unbounded.add(where + "[*] has no maxLength");
          }
        }
      }
    });
    assertThat(unbounded)
        .as("add @Size(max = ...) on the list, and on its String elements (List<@Size(max = ...) String>)")
        .isEmpty();
  }

  private interface RuleVisitor {
    void visit(String path, JsonNode rule, JsonNode schema);
  }

  private static void forEachRule(BiConsumer<String, JsonNode> visitor) {
    forEachRule((path, rule, schema) -> visitor.accept(path, rule));
  }

  private static void forEachRule(RuleVisitor visitor) {
    for (String kind : List.of("DatabaseConnection", "DatabaseSchema", "DatabaseSchemaSet")) {
      for (JsonNode version : CRDS.crd(kind).at("/spec/versions")) {
        walk(version.at("/schema/openAPIV3Schema"), kind, visitor);
      }
    }
  }

  private static void walk(JsonNode schema, String path, RuleVisitor visitor) {
    schema.path("x-kubernetes-validations").forEach(rule -> visitor.visit(path, rule, schema));
    schema.path("properties").fields()
        .forEachRemaining(field -> walk(field.getValue(), path + "." + field.getKey(), visitor));
    for (String nested : List.of("items", "additionalProperties")) {
      if (schema.path(nested).isObject()) {
        walk(schema.get(nested), path + "[*]", visitor);
      }
    }
  }
}
