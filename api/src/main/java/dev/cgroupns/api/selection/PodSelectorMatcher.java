package dev.cgroupns.api.selection;

import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.PodSelector;
import java.util.List;
import java.util.Map;

/** Kubernetes label-selector semantics: matchLabels and every matchExpression must hold. */
public final class PodSelectorMatcher {
  private PodSelectorMatcher() {}

  /** Whether labels (null means none) satisfy the selector; an empty selector matches all. */
  public static boolean matches(PodSelector selector, Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector == null) {
      return false;
    }
    if (selector.matchLabels != null) {
      for (Map.Entry<String, String> wanted : selector.matchLabels.entrySet()) {
        if (!wanted.getValue().equals(actual.get(wanted.getKey()))) {
          return false;
        }
      }
    }
    if (selector.matchExpressions != null) {
      for (LabelSelectorRequirement requirement : selector.matchExpressions) {
        if (!holds(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.key);
    List<String> values = requirement.values == null ? List.of() : requirement.values;
    return switch (requirement.operator) {
      case In -> value != null && values.contains(value);
      case NotIn -> value == null || !values.contains(value);
      case Exists -> value != null;
      case DoesNotExist -> value == null;
    };
  }
}
