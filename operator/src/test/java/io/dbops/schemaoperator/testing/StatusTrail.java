package io.dbops.schemaoperator.testing;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Watches every DatabaseSchema, DatabaseConnection and DatabaseSchemaSet while a scenario runs and, after it, checks
 * each version the operator wrote against kstatus (what Flux concludes) and against the Argo CD
 * health checks the chart ships: the two must agree, and the conditions must keep DESIGN.md's
 * contract. A scenario that passes on its own assertions still fails here if some status along
 * the way would have misled Flux or Argo CD.
 */
public final class StatusTrail implements BeforeEachCallback, AfterEachCallback {
  private final Supplier<KubernetesClient> client;
  private final Map<String, HasMetadata> seen = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public StatusTrail(Supplier<KubernetesClient> client) {
    this.client = client;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    seen.clear();
    informers.add(client.get().resources(DatabaseSchema.class).inAnyNamespace().inform(recorder()));
    informers.add(client.get().resources(DatabaseConnection.class).inAnyNamespace().inform(recorder()));
    informers.add(client.get().resources(DatabaseSchemaSet.class).inAnyNamespace().inform(recorder()));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
    List<String> problems = new ArrayList<>();
    for (HasMetadata version : seen.values()) {
      problems.addAll(check(version));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " status(es) break the kstatus/Argo CD contract:\n  "
          + String.join("\n  ", problems.stream().distinct().sorted().toList()));
    }
  }

  /** How many versions were seen: lets a test know the trail was not empty. */
  public int versionsSeen() {
    return seen.size();
  }

  public static List<String> check(HasMetadata resource) {
    Long generation = resource.getMetadata().getGeneration();
    Long observed;
    List<Condition> conditions;
    if (resource instanceof DatabaseSchema s) {
      observed = s.getStatus() == null ? null : s.getStatus().getObservedGeneration();
      conditions = s.getStatus() == null ? null : s.getStatus().getConditions();
    } else if (resource instanceof DatabaseSchemaSet set) {
      observed = set.getStatus() == null ? null : set.getStatus().getObservedGeneration();
      conditions = set.getStatus() == null ? null : set.getStatus().getConditions();
    } else {
      DatabaseConnection c = (DatabaseConnection) resource;
      observed = c.getStatus() == null ? null : c.getStatus().getObservedGeneration();
      conditions = c.getStatus() == null ? null : c.getStatus().getConditions();
    }
    String what = resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName()
        + " (generation " + generation + ", observed " + observed + ", " + summary(conditions) + "): ";
    List<String> problems = new ArrayList<>();
    if (observed == null) {
      return problems;
    }
    Kstatus.violations(generation, observed, conditions).forEach(v -> problems.add(what + v));
    Kstatus.Status kstatus = Kstatus.of(generation, observed, conditions);
    ArgoHealth.Health argo = ArgoHealth.of(resource);
    if (!agree(kstatus, argo.status(), conditions)) {
      problems.add(what + "kstatus says " + kstatus + " but Argo CD says " + argo.status());
    }
    return problems;
  }

  /**
   * The two views must tell the same story. Argo CD says more than kstatus in three places, on
   * purpose: Suspended for a plan waiting for approval, Degraded for a drifted database, and
   * Degraded for a connection whose probe failed while nothing is in progress.
   */
  static boolean agree(Kstatus.Status kstatus, String argo, List<Condition> conditions) {
    return switch (kstatus) {
      case InProgress -> argo.equals("Progressing");
      case Failed -> argo.equals("Degraded");
      case Current -> argo.equals("Healthy")
          || argo.equals("Suspended") && Kstatus.isTrue(conditions, "ApprovalPending")
          || argo.equals("Degraded") && (Kstatus.isTrue(conditions, "Drifted") || !Kstatus.isTrue(conditions, "Ready"));
    };
  }

  private static String summary(List<Condition> conditions) {
    if (conditions == null) {
      return "no conditions";
    }
    return String.join(", ", conditions.stream().map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).toList());
  }

  private <T extends HasMetadata> ResourceEventHandler<T> recorder() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        record(resource);
      }

      @Override
      public void onUpdate(T previous, T resource) {
        record(resource);
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {}
    };
  }

  private void record(HasMetadata resource) {
    seen.put(resource.getKind() + "/" + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName()
        + "@" + resource.getMetadata().getResourceVersion(), resource);
  }
}
