package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates every {@code x-kubernetes-validations} rule of a structural schema, wherever it is nested,
 * with {@code self} bound to the node the rule is declared on, as the API server does.
 */
final class CelRules {
  // self is dyn: the API server types it from the schema, but map/list semantics are all the rules rely on.
  // Beyond the standard library only what the API server has too: the strings extension, and sum() of
  // the Kubernetes lists library (for int lists, the one use here); so that a rule calling a function
  // the API server lacks fails here rather than at install.
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addCompilerLibraries(CelExtensions.strings())
      .addRuntimeLibraries(CelExtensions.strings())
      .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("sum",
          CelOverloadDecl.newMemberOverload("list_int_sum", SimpleType.INT, ListType.create(SimpleType.INT))))
      .addFunctionBindings(CelFunctionBinding.from("list_int_sum", List.class, CelRules::sum))
      .build();

  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** Adds one message per failed rule to {@code violations}; nodes absent from the object are not visited. */
  void evaluate(JsonNode schema, JsonNode node, String path, List<String> violations) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      check(rule, node, path, violations);
    }
    if (node.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      node.fields().forEachRemaining(field -> {
        JsonNode child = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
        if (child.isObject()) {
          evaluate(child, field.getValue(), StructuralSchema.join(path, field.getKey()), violations);
        }
      });
    } else if (node.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < node.size(); i++) {
        evaluate(schema.get("items"), node.get(i), path + "[" + i + "]", violations);
      }
    }
  }

  private void check(JsonNode rule, JsonNode node, String path, List<String> violations) {
    String expression = rule.path("rule").asText();
    String message = rule.hasNonNull("message") ? rule.get("message").asText() : "failed rule: " + expression;
    String where = path.isEmpty() ? "<root>" : path;
    try {
      Object self = toCel(node);
      Object result = program(expression).eval(Map.of("self", self));
      if (!Boolean.TRUE.equals(result)) {
        violations.add(where + ": " + messageOf(rule, self, message));
      }
    } catch (CelEvaluationException | IllegalArgumentException e) {
      // The API server reports a rule it cannot evaluate as a failure too; say why so the rule gets fixed.
      violations.add(where + ": rule " + expression + " could not be evaluated: " + e.getMessage());
    }
  }

  /**
   * The API server's message for a failed rule: its messageExpression when that evaluates to a
   * non-empty string, else the static message.
   */
  private String messageOf(JsonNode rule, Object self, String fallback) {
    if (!rule.hasNonNull("messageExpression")) {
      return fallback;
    }
    String expression = rule.get("messageExpression").asText();
    try {
      Object message = program(expression).eval(Map.of("self", self));
      return message instanceof String text && !text.isBlank() ? text : fallback;
    } catch (CelEvaluationException | IllegalArgumentException e) {
      return fallback + " (messageExpression " + expression + " could not be evaluated: " + e.getMessage() + ")";
    }
  }

  /** Why a rule does not compile, or null when it does. */
  static String compileError(String expression) {
    CelValidationResult compiled = CEL.compile(expression);
    return compiled.hasError() ? compiled.getErrorString() : null;
  }

  private CelRuntime.Program program(String expression) throws CelEvaluationException {
    CelRuntime.Program program = programs.get(expression);
    if (program == null) {
      try {
        program = CEL.createProgram(CEL.compile(expression).getAst());
      } catch (CelValidationException e) {
        throw new IllegalArgumentException("does not compile: " + e.getMessage(), e);
      }
      programs.put(expression, program);
    }
    return program;
  }

  private static long sum(List<?> numbers) {
    long total = 0;
    for (Object n : numbers) {
      total = Math.addExact(total, (Long) n);
    }
    return total;
  }

  /** JSON as CEL sees it: integers are int (long), other numbers double, objects maps. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(field -> map.put(field.getKey(), toCel(field.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return NullValue.NULL_VALUE;
    }
    return node.asText();
  }
}
