package dev.cgroupns.operator.validation;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.LabelPatterns;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.PodSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a CgroupIsolation against every rule its CRD states, plus the rules only the operator can
 * know (the cluster's read-write setting, namespaces it never acts in).
 *
 * <p>The schema is checked again here because admission can be missing (old API servers without
 * CEL, a CRD installed without its schema, direct etcd writes) and because the agents act on
 * whatever the operator passes on: nothing unchecked may reach them. All violations are reported at
 * once so the user can fix the resource in one go.
 */
public final class CgroupIsolationValidator {
  static final int MAX_SELECTOR_ENTRIES = 64;
  static final int MAX_VALUES = 64;
  static final int MAX_KEY_LENGTH = 316;
  static final int MAX_VALUE_LENGTH = 63;
  static final int MAX_CONTAINERS = 64;
  static final int MIN_READ_WRITE_REASON = 10;
  static final int MAX_READ_WRITE_REASON = 256;

  /** Namespaces whose pods are the cluster's own machinery; never isolated, whatever asks. */
  public static final Set<String> REFUSED_NAMESPACES = Set.of("kube-system");

  private static final Pattern KEY = Pattern.compile(LabelPatterns.KEY);
  private static final Pattern VALUE = Pattern.compile(LabelPatterns.VALUE);
  private static final Pattern CONTAINER_NAME = Pattern.compile(LabelPatterns.DNS_LABEL);

  private final boolean readWriteAllowed;

  /**
   * @param readWriteAllowed the cluster setting that permits read-write cgroupfs mounts
   */
  public CgroupIsolationValidator(boolean readWriteAllowed) {
    this.readWriteAllowed = readWriteAllowed;
  }

  /** Every violation of the resource, empty when it may be applied. */
  public List<Violation> validate(CgroupIsolation isolation) {
    List<Violation> violations = new ArrayList<>();
    String namespace = isolation.getMetadata().getNamespace();
    if (namespace != null && REFUSED_NAMESPACES.contains(namespace)) {
      violations.add(
          new Violation(
              Violation.Kind.NamespaceNotAllowed,
              "CgroupIsolation is not allowed in namespace "
                  + namespace
                  + ": its pods are the cluster's own machinery"));
    }
    CgroupIsolationSpec spec = isolation.getSpec();
    if (spec == null) {
      violations.add(Violation.invalid("spec is required"));
      return violations;
    }
    checkSelector(spec.podSelector, violations);
    checkContainers(spec.containers, violations);
    checkReadWrite(spec, violations);
    return violations;
  }

  private static void checkSelector(PodSelector selector, List<Violation> violations) {
    if (selector == null) {
      violations.add(Violation.invalid("spec.podSelector is required; use {} to select every pod"));
      return;
    }
    Map<String, String> labels = selector.matchLabels;
    if (labels != null) {
      if (labels.size() > MAX_SELECTOR_ENTRIES) {
        violations.add(
            Violation.invalid(
                "spec.podSelector.matchLabels has "
                    + labels.size()
                    + " entries; at most "
                    + MAX_SELECTOR_ENTRIES
                    + " are allowed"));
      }
      labels.forEach(
          (key, value) -> {
            checkKey("spec.podSelector.matchLabels", key, violations);
            checkValue("spec.podSelector.matchLabels[" + quote(key) + "]", value, violations);
          });
    }
    List<LabelSelectorRequirement> expressions = selector.matchExpressions;
    if (expressions != null) {
      if (expressions.size() > MAX_SELECTOR_ENTRIES) {
        violations.add(
            Violation.invalid(
                "spec.podSelector.matchExpressions has "
                    + expressions.size()
                    + " entries; at most "
                    + MAX_SELECTOR_ENTRIES
                    + " are allowed"));
      }
      for (int i = 0; i < expressions.size(); i++) {
        checkRequirement(
            "spec.podSelector.matchExpressions[" + i + "]", expressions.get(i), violations);
      }
    }
  }

  private static void checkRequirement(
      String where, LabelSelectorRequirement requirement, List<Violation> violations) {
    if (requirement == null) {
      violations.add(Violation.invalid(where + " must not be null"));
      return;
    }
    if (requirement.key == null) {
      violations.add(Violation.invalid(where + ".key is required"));
    } else {
      checkKey(where + ".key", requirement.key, violations);
    }
    if (requirement.operator == null) {
      violations.add(
          Violation.invalid(where + ".operator is required: In, NotIn, Exists or DoesNotExist"));
      return;
    }
    List<String> values = requirement.values;
    boolean hasValues = values != null && !values.isEmpty();
    boolean needsValues =
        requirement.operator == LabelSelectorOperator.In
            || requirement.operator == LabelSelectorOperator.NotIn;
    if (needsValues && !hasValues) {
      violations.add(
          Violation.invalid(
              where + ".values must not be empty for operator " + requirement.operator));
    } else if (!needsValues && hasValues) {
      violations.add(
          Violation.invalid(where + ".values must be empty for operator " + requirement.operator));
    }
    if (hasValues) {
      if (values.size() > MAX_VALUES) {
        violations.add(
            Violation.invalid(
                where
                    + ".values has "
                    + values.size()
                    + " entries; at most "
                    + MAX_VALUES
                    + " are allowed"));
      }
      for (int i = 0; i < values.size(); i++) {
        checkValue(where + ".values[" + i + "]", values.get(i), violations);
      }
    }
  }

  private static void checkKey(String where, String key, List<Violation> violations) {
    if (key == null || key.length() > MAX_KEY_LENGTH || !KEY.matcher(key).matches()) {
      violations.add(
          Violation.invalid(
              where
                  + ": "
                  + quote(key)
                  + " is not a valid label key (an optional DNS-subdomain prefix and '/', then"
                  + " a name of at most 63 alphanumerics, '-', '_' or '.')"));
    }
  }

  private static void checkValue(String where, String value, List<Violation> violations) {
    if (value == null || value.length() > MAX_VALUE_LENGTH || !VALUE.matcher(value).matches()) {
      violations.add(
          Violation.invalid(
              where
                  + ": "
                  + quote(value)
                  + " is not a valid label value (at most 63 characters, alphanumeric at both"
                  + " ends, '-', '_' or '.' inside)"));
    }
  }

  private static void checkContainers(List<String> containers, List<Violation> violations) {
    if (containers == null) {
      return;
    }
    if (containers.size() > MAX_CONTAINERS) {
      violations.add(
          Violation.invalid(
              "spec.containers has "
                  + containers.size()
                  + " entries; at most "
                  + MAX_CONTAINERS
                  + " are allowed"));
    }
    for (int i = 0; i < containers.size(); i++) {
      String name = containers.get(i);
      if (name == null || !CONTAINER_NAME.matcher(name).matches()) {
        violations.add(
            Violation.invalid(
                "spec.containers["
                    + i
                    + "]: "
                    + quote(name)
                    + " is not a container name (a lowercase DNS label of at most 63"
                    + " characters)"));
      }
    }
  }

  private void checkReadWrite(CgroupIsolationSpec spec, List<Violation> violations) {
    String reason = spec.readWriteReason;
    if (reason != null && reason.length() > MAX_READ_WRITE_REASON) {
      violations.add(
          Violation.invalid(
              "spec.readWriteReason is "
                  + reason.length()
                  + " characters long; at most "
                  + MAX_READ_WRITE_REASON
                  + " are allowed"));
    }
    if (spec.readOnlyOrDefault()) {
      return;
    }
    if (reason == null || reason.length() < MIN_READ_WRITE_REASON) {
      violations.add(
          Violation.invalid(
              "readOnly: false lets root inside the selected containers raise its own cgroup"
                  + " limits; say why in spec.readWriteReason (at least "
                  + MIN_READ_WRITE_REASON
                  + " characters)"));
    }
    if (!readWriteAllowed) {
      violations.add(
          new Violation(
              Violation.Kind.ReadWriteNotPermitted,
              "readOnly: false is not permitted on this cluster; an administrator must start the"
                  + " operator with CGROUP_ISOLATION_ALLOW_READ_WRITE=true"));
    }
  }

  /** Quotes user input for a message, cut short so one huge value cannot flood a condition. */
  private static String quote(String text) {
    if (text == null) {
      return "null";
    }
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return '"' + shown + '"';
  }
}
