package io.dbops.schemaoperator.testing;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The chart as real Helm (helm-java, offline) renders it for release "schema-operator" in
 * {@link #NAMESPACE}, each document read back as a typed object: the one way the tests render it.
 */
public final class RenderedChart {
  public static final Path CHART = Path.of("..", "helm", "schema-operator");
  /** Where the chart is installed in the tests: the leader-election Lease lives here too. */
  public static final String NAMESPACE = "dbops-system";
  public static final String KUBERNETES = "1.31.0";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private RenderedChart() {}

  /** Every object but the CRDs, with {@code options} applied to the template command (values, Kubernetes version). */
  public static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
    String yaml = options.apply(new Helm(CHART).template().withName("schema-operator").withNamespace(NAMESPACE)
        .withKubeVersion(KUBERNETES)).call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed = SERIALIZATION.unmarshal(document);
      if (parsed instanceof HasMetadata object && !(object instanceof CustomResourceDefinition)) {
        objects.add(object);
      }
    }
    return objects;
  }

  /** The one object of this type; fails when there is none or more. */
  public static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + matching.size());
    }
    return matching.get(0);
  }
}
