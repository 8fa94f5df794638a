package io.dbops.schemaoperator.controller.schemaset;

import io.dbops.schemaoperator.builders.SchemaSetChildBuilder;
import io.dbops.schemaoperator.builders.TemplateHash;
import io.dbops.schemaoperator.controller.common.LabelSelection;
import io.dbops.schemaoperator.controller.common.Ownership;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what a set's reconcile needs, from the caches, once. */
final class SetObserver {
  private final SetCaches caches;
  private final NameConflicts conflicts;

  SetObserver(SetCaches caches, NameConflicts conflicts) {
    this.caches = caches;
    this.conflicts = conflicts;
  }

  SetObservation observe(DatabaseSchemaSet set, Instant now) {
    String invalid = invalid(set);
    if (invalid != null) {
      return new SetObservation(set, invalid, null, List.of(), Map.of(), List.of(), Map.of());
    }
    String namespace = set.getMetadata().getNamespace();
    String setName = set.getMetadata().getName();
    List<String> targets = caches.connections(namespace).stream()
        .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
        .filter(c -> LabelSelection.matches(set.getSpec().getSelector(), c.getMetadata().getLabels()))
        .map(c -> c.getMetadata().getName())
        .sorted()
        .toList();

    Map<String, String> expectedNames = new HashMap<>();
    Map<String, Child> children = new LinkedHashMap<>();
    Map<String, String> nameTaken = new LinkedHashMap<>();
    for (String target : targets) {
      String name = SchemaSetChildBuilder.childName(setName, target);
      expectedNames.put(name, target);
      // By name, not through the owner index: a child created a moment ago is found before the informer has it.
      Optional<DatabaseSchema> holder = caches.labelledSchema(namespace, name);
      if (holder.isPresent() && Ownership.controlledBy(holder.get(), set)) {
        children.put(target, Child.of(holder.get()));
      } else if (holder.isPresent()) {
        nameTaken.put(target, takenMessage(name, target));
      } else {
        conflicts.message(namespace, name, now).ifPresent(m -> nameTaken.put(target, m));
      }
    }
    List<Child> strays = new ArrayList<>();
    caches.childrenOf(set).stream()
        .filter(c -> !expectedNames.containsKey(c.getMetadata().getName()))
        .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
        .forEach(c -> strays.add(Child.of(c)));
    return new SetObservation(set, null, TemplateHash.of(set.getSpec().getTemplate()), targets, children, strays, nameTaken);
  }

  static String takenMessage(String name, String connection) {
    return "DatabaseSchema " + name + " already exists and is not this set's child: delete or rename it, or take"
        + " DatabaseConnection " + connection + " out of spec.selector";
  }

  /** What the API server would have refused; the mock API server and old objects let it through. */
  private static String invalid(DatabaseSchemaSet set) {
    if (set.getSpec() == null) {
      return set.readProblem() == null ? "spec is missing: give spec.selector and spec.template"
          : "the operator cannot read this DatabaseSchemaSet (" + set.readProblem() + "): correct the spec";
    }
    if (set.getSpec().getSelector() == null || LabelSelection.empty(set.getSpec().getSelector())) {
      return "spec.selector names no label: give matchLabels or matchExpressions (an empty selector would select every"
          + " DatabaseConnection in the namespace)";
    }
    if (set.getSpec().getTemplate() == null || set.getSpec().getTemplate().getMigrations() == null) {
      return "spec.template.migrations is missing: give inline scripts, configMapRefs or an image";
    }
    return null;
  }
}
