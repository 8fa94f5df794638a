package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The schemas the CRDs give the Kubernetes types our resources embed (conditions, tolerations,
 * resource requirements), through @SchemaFrom: fabric8's classes carry no descriptions or bounds,
 * so kubectl explain would say nothing about their fields. Never instantiated; the fields mirror
 * fabric8's classes exactly (KubernetesTypeSchemasTest), or the API server would prune data.
 */
final class KubernetesTypeSchemas {
  private KubernetesTypeSchemas() {}

  /** io.fabric8.kubernetes.api.model.Condition. */
  static final class Condition {
    @JsonPropertyDescription("Ready, Reconciling or Stalled (kstatus), or one of the extra types Drifted and"
        + " ApprovalPending.")
    public String type;

    @JsonPropertyDescription("True, False or Unknown.")
    public String status;

    @JsonPropertyDescription("Why, in one CamelCase word, e.g. Connected or MigrationFailed; README lists them with"
        + " what to do.")
    public String reason;

    @JsonPropertyDescription("What happened and what to change, in one line.")
    public String message;

    @Min(0)
    @Max(Limits.SAFE_INTEGER)
    @JsonPropertyDescription("The metadata.generation this condition was set for.")
    public Long observedGeneration;

    @JsonPropertyDescription("When status last changed (RFC 3339).")
    public String lastTransitionTime;
  }

  /** io.fabric8.kubernetes.api.model.Toleration, with the API server's checks of a Pod's tolerations. */
  @ValidationRule(value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''",
      message = "a toleration with operator Exists matches any value: remove value")
  @ValidationRule(value = "(has(self.key) && self.key != '') || (has(self.operator) && self.operator == 'Exists')",
      message = "a toleration without a key tolerates every taint and needs operator Exists")
  @ValidationRule(value = "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
      message = "tolerationSeconds applies to effect NoExecute only")
  static final class Toleration {
    @Size(max = 317)
    @Pattern("^$|" + Patterns.LABEL_KEY)
    @JsonPropertyDescription("The taint key this toleration matches; empty with operator Exists matches every taint.")
    public String key;

    @Pattern("^(Equal|Exists)?$")
    @JsonPropertyDescription("Equal (the default: value must match) or Exists (any value).")
    public String operator;

    @Size(max = 63)
    @Pattern(Patterns.LABEL_VALUE)
    @JsonPropertyDescription("The taint value to match when operator is Equal.")
    public String value;

    @Pattern("^(NoSchedule|PreferNoSchedule|NoExecute)?$")
    @JsonPropertyDescription("The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.")
    public String effect;

    @Min(-9007199254740991d)
    @Max(Limits.SAFE_INTEGER)
    @JsonPropertyDescription("With effect NoExecute, how long the Pod stays on a node after the taint appears;"
        + " unset means for ever.")
    public Long tolerationSeconds;
  }

  /** io.fabric8.kubernetes.api.model.ResourceRequirements. */
  static final class Resources {
    @JsonPropertyDescription("The most the container may use, by resource name, e.g. {cpu: \"2\", memory: 4Gi}.")
    public Map<String, @Pattern(Patterns.QUANTITY) Quantity> limits;

    @JsonPropertyDescription("What the container is scheduled with, by resource name, e.g. {cpu: 500m, memory: 1Gi}.")
    public Map<String, @Pattern(Patterns.QUANTITY) Quantity> requests;

    @JsonPropertyDescription("Dynamic resource claims of the Pod this container uses (rarely needed).")
    public List<ResourceClaim> claims;
  }

  /** io.fabric8.kubernetes.api.model.ResourceClaim. */
  static final class ResourceClaim {
    @JsonPropertyDescription("The name of one of the Pod's resourceClaims.")
    public String name;

    @JsonPropertyDescription("The request within that claim, when it has several.")
    public String request;
  }
}
