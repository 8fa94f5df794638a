package io.dbops.schemaoperator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.TemplateCommand;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.dbops.schemaoperator.builders.AdminSecretBuilder;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.testing.RenderedChart;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's ValidatingAdmissionPolicy, its CEL evaluated with CEL-Java the way the API server
 * evaluates it: match conditions first (a request none matches is not the policy's business), then
 * every validation, a failed or unevaluable one refusing the request (failurePolicy: Fail).
 */
class SecretAdmissionPolicyTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OPERATOR = "system:serviceaccount:dbops-system:schema-operator";
  // The variables the API server binds for a ValidatingAdmissionPolicy without params.
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("object", SimpleType.DYN)
      .addVar("oldObject", SimpleType.DYN)
      .addVar("request", SimpleType.DYN)
      .build();

  @Test
  void the_policy_covers_secret_creates_and_updates_and_its_binding_denies() {
    List<HasMetadata> chart = RenderedChart.render(t -> t);
    ValidatingAdmissionPolicy policy = RenderedChart.one(chart, ValidatingAdmissionPolicy.class);
    ValidatingAdmissionPolicyBinding binding = RenderedChart.one(chart, ValidatingAdmissionPolicyBinding.class);

    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
    assertThat(policy.getSpec().getMatchConstraints().getResourceRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("secrets");
      assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
    });
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    assertThat(binding.getSpec().getMatchResources()).as("every namespace").isNull();
  }

  @Test
  void the_operator_may_create_the_admin_secret_its_own_builder_makes() {
    Secret admin = AdminSecretBuilder.build(SERIALIZATION.unmarshal("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db, namespace: team-a}
        spec: {engine: postgres, database: app, instance: {image: "postgres:16", storage: {size: 1Gi}}}
        """, DatabaseConnection.class), new SecureRandom());

    assertThat(decide(t -> t, OPERATOR, "CREATE", admin, null).outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void the_operator_may_not_mint_a_service_account_token_or_write_any_other_kind_of_secret() {
    Secret token = ours(new SecretBuilder().withType("kubernetes.io/service-account-token")
        .withNewMetadata().withName("admin-token").withNamespace("kube-system")
        .addToAnnotations("kubernetes.io/service-account.name", "cluster-admin").endMetadata().build());
    Decision refused = decide(t -> t, OPERATOR, "CREATE", token, null);
    assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(refused.messages()).contains("schema-operator may write Opaque Secrets only, not kubernetes.io/service-account-token");

    for (String type : List.of("kubernetes.io/dockerconfigjson", "kubernetes.io/tls", "bootstrap.kubernetes.io/token")) {
      assertThat(decide(t -> t, OPERATOR, "CREATE", ours(new SecretBuilder().withType(type)
          .withNewMetadata().withName("x").withNamespace("team-a").endMetadata().build()), null).outcome()).as(type).isEqualTo(Outcome.REFUSED);
    }
  }

  @Test
  void the_operator_may_not_write_a_secret_that_is_not_labelled_as_its_own() {
    Secret unlabelled = new SecretBuilder().withType("Opaque").withNewMetadata().withName("x").withNamespace("team-a").endMetadata().build();
    Secret helms = new SecretBuilder(unlabelled).editMetadata().addToLabels("app.kubernetes.io/managed-by", "Helm").endMetadata().build();
    Secret otherLabels = new SecretBuilder(unlabelled).editMetadata().addToLabels("team", "a").endMetadata().build();

    for (Secret secret : List.of(unlabelled, helms, otherLabels)) {
      Decision decision = decide(t -> t, OPERATOR, "CREATE", secret, null);
      assertThat(decision.outcome()).as("%s", secret.getMetadata().getLabels()).isEqualTo(Outcome.REFUSED);
      assertThat(decision.messages()).contains("schema-operator may write only Secrets labelled app.kubernetes.io/managed-by: schema-operator");
    }
    Secret untyped = ours(new SecretBuilder(unlabelled).withType(null).build());
    assertThat(decide(t -> t, OPERATOR, "CREATE", untyped, null).outcome()).as("the API server defaults type; without it, refused")
        .isEqualTo(Outcome.REFUSED);
  }

  @Test
  void the_operator_may_not_take_over_someone_elses_secret_by_labelling_it() {
    Secret theirs = new SecretBuilder().withType("Opaque").withNewMetadata().withName("db").withNamespace("team-a").endMetadata().build();
    Secret relabelled = ours(new SecretBuilder(theirs).build());

    assertThat(decide(t -> t, OPERATOR, "UPDATE", relabelled, theirs).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(decide(t -> t, OPERATOR, "UPDATE", relabelled, relabelled).outcome()).as("its own, still its own").isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void everyone_else_including_a_namesake_in_another_namespace_is_left_alone() {
    Secret token = new SecretBuilder().withType("kubernetes.io/service-account-token")
        .withNewMetadata().withName("ci-token").withNamespace("team-a").endMetadata().build();

    for (String user : List.of("system:serviceaccount:team-a:deployer", "alice@example.com",
        "system:serviceaccount:evil:schema-operator", "system:serviceaccount:dbops-system:schema-operator-x")) {
      assertThat(decide(t -> t, user, "CREATE", token, null).outcome()).as(user).isEqualTo(Outcome.NOT_MATCHED);
    }
  }

  @Test
  void the_policy_follows_the_service_account_and_namespace_the_chart_installs_the_operator_as() {
    Secret token = new SecretBuilder().withType("kubernetes.io/service-account-token")
        .withNewMetadata().withName("t").withNamespace("team-a").endMetadata().build();
    UnaryOperator<TemplateCommand> named = t -> t.set("serviceAccount.name", "platform-dbops");

    assertThat(decide(named, "system:serviceaccount:dbops-system:platform-dbops", "CREATE", token, null).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(decide(named, OPERATOR, "CREATE", token, null).outcome()).isEqualTo(Outcome.NOT_MATCHED);
  }

  /** What the API server does with one request under the chart's policy, rendered with {@code values}. */
  private static Decision decide(UnaryOperator<TemplateCommand> values, String username, String operation, Secret object, Secret oldObject) {
    ValidatingAdmissionPolicy policy = RenderedChart.one(RenderedChart.render(values), ValidatingAdmissionPolicy.class);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("operation", operation);
    request.put("userInfo", Map.of("username", username));
    request.put("resource", Map.of("group", "", "version", "v1", "resource", "secrets"));
    request.put("namespace", object.getMetadata().getNamespace());
    Map<String, Object> variables = Map.of(
        "object", toCel(object),
        "oldObject", oldObject == null ? NullValue.NULL_VALUE : toCel(oldObject),
        "request", request);
    for (MatchCondition condition : policy.getSpec().getMatchConditions()) {
      try {
        if (!Boolean.TRUE.equals(evaluate(condition.getExpression(), variables))) {
          return new Decision(Outcome.NOT_MATCHED, List.of());
        }
      } catch (CelEvaluationException e) {
        return new Decision(Outcome.REFUSED, List.of("match condition " + condition.getName() + " failed: " + e.getMessage()));
      }
    }
    List<String> messages = new ArrayList<>();
    for (Validation validation : policy.getSpec().getValidations()) {
      Object result;
      try {
        result = evaluate(validation.getExpression(), variables);
      } catch (CelEvaluationException e) {
        // failurePolicy Fail: an expression that cannot be evaluated refuses the request.
        result = false;
      }
      if (!Boolean.TRUE.equals(result)) {
        messages.add(message(validation, variables));
      }
    }
    return new Decision(messages.isEmpty() ? Outcome.ALLOWED : Outcome.REFUSED, messages);
  }

  private static String message(Validation validation, Map<String, Object> variables) {
    if (validation.getMessageExpression() != null) {
      try {
        return String.valueOf(evaluate(validation.getMessageExpression(), variables));
      } catch (CelEvaluationException e) {
        // The API server falls back to the static message.
      }
    }
    return validation.getMessage();
  }

  private static Object evaluate(String expression, Map<String, Object> variables) throws CelEvaluationException {
    try {
      return CEL.createProgram(CEL.compile(expression).getAst()).eval(variables);
    } catch (CelValidationException e) {
      throw new AssertionError("the policy's expression does not compile: " + expression + ": " + e.getMessage(), e);
    }
  }

  private static Secret ours(Secret secret) {
    return new SecretBuilder(secret).editMetadata().addToLabels("app.kubernetes.io/managed-by", "schema-operator").endMetadata().build();
  }

  /** The object as the API server hands it to CEL: JSON, integers as int (long). */
  private static Object toCel(Object object) {
    return toCel(JSON.valueToTree(object));
  }

  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> {
        if (!f.getValue().isNull()) {
          map.put(f.getKey(), toCel(f.getValue()));
        }
      });
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
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  private enum Outcome { ALLOWED, REFUSED, NOT_MATCHED }

  private record Decision(Outcome outcome, List<String> messages) {}
}
