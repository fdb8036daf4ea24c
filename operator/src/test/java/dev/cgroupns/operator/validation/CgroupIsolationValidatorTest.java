package dev.cgroupns.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.operator.testing.Fixtures;
import dev.cgroupns.operator.validation.Violation.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupIsolationValidatorTest {
  private final CgroupIsolationValidator strict = new CgroupIsolationValidator(false);
  private final CgroupIsolationValidator permissive = new CgroupIsolationValidator(true);

  private static CgroupIsolation valid() {
    return Fixtures.isolation("team-a", "web", Map.of("app", "web"));
  }

  private static CgroupIsolation withExpression(
      String key, LabelSelectorOperator operator, List<String> values) {
    CgroupIsolation isolation = valid();
    isolation.getSpec().podSelector.matchExpressions =
        List.of(new LabelSelectorRequirement(key, operator, values));
    return isolation;
  }

  @Test
  void acceptsAValidResourceAndTheEmptySelector() {
    assertThat(strict.validate(valid())).isEmpty();
    CgroupIsolation all = Fixtures.isolation("team-a", "all", null);
    assertThat(strict.validate(all)).isEmpty();
    assertThat(
            strict.validate(
                withExpression("example.com/tier", LabelSelectorOperator.In, List.of("a", "b"))))
        .isEmpty();
    assertThat(strict.validate(withExpression("tier", LabelSelectorOperator.Exists, null)))
        .isEmpty();
  }

  @Test
  void requiresSpecAndSelector() {
    CgroupIsolation noSpec = valid();
    noSpec.setSpec(null);
    assertThat(messages(strict.validate(noSpec))).containsExactly("spec is required");
    CgroupIsolation noSelector = valid();
    noSelector.getSpec().podSelector = null;
    assertThat(messages(strict.validate(noSelector)))
        .singleElement()
        .asString()
        .contains("spec.podSelector is required");
  }

  @Test
  void refusesBadLabelKeysAndValues() {
    CgroupIsolation isolation = valid();
    isolation.getSpec().podSelector.matchLabels = Map.of("bad key", "ok", "app", "-dash");
    List<String> messages = messages(strict.validate(isolation));
    assertThat(messages).hasSize(2);
    assertThat(messages)
        .anySatisfy(m -> assertThat(m).contains("\"bad key\" is not a valid label key"));
    assertThat(messages)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("matchLabels[\"app\"]")
                    .contains("\"-dash\" is not a valid label value"));
    CgroupIsolation tooLong = valid();
    tooLong.getSpec().podSelector.matchLabels = Map.of("app", "v".repeat(64));
    assertThat(messages(strict.validate(tooLong)))
        .singleElement()
        .asString()
        .contains("not a valid label value");
  }

  @Test
  void checksOperatorsAgainstTheirValues() {
    assertThat(messages(strict.validate(withExpression("tier", LabelSelectorOperator.In, null))))
        .containsExactly(
            "spec.podSelector.matchExpressions[0].values must not be empty for operator In");
    assertThat(
            messages(
                strict.validate(withExpression("tier", LabelSelectorOperator.NotIn, List.of()))))
        .containsExactly(
            "spec.podSelector.matchExpressions[0].values must not be empty for operator NotIn");
    assertThat(
            messages(
                strict.validate(
                    withExpression("tier", LabelSelectorOperator.Exists, List.of("x")))))
        .containsExactly(
            "spec.podSelector.matchExpressions[0].values must be empty for operator Exists");
    assertThat(
            messages(
                strict.validate(
                    withExpression("tier", LabelSelectorOperator.DoesNotExist, List.of("x")))))
        .containsExactly(
            "spec.podSelector.matchExpressions[0].values must be empty for operator"
                + " DoesNotExist");
    assertThat(messages(strict.validate(withExpression("tier", null, null))))
        .singleElement()
        .asString()
        .contains("operator is required");
    assertThat(messages(strict.validate(withExpression(null, LabelSelectorOperator.Exists, null))))
        .containsExactly("spec.podSelector.matchExpressions[0].key is required");
    assertThat(
            messages(
                strict.validate(
                    withExpression("tier", LabelSelectorOperator.In, List.of("ok", "not ok")))))
        .singleElement()
        .asString()
        .contains("values[1]");
  }

  @Test
  void boundsListSizes() {
    CgroupIsolation isolation = valid();
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      labels.put("k" + i, "v");
    }
    isolation.getSpec().podSelector.matchLabels = labels;
    isolation.getSpec().containers = Collections.nCopies(65, "app");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      values.add("v" + i);
    }
    isolation.getSpec().podSelector.matchExpressions =
        List.of(new LabelSelectorRequirement("tier", LabelSelectorOperator.In, values));
    assertThat(messages(strict.validate(isolation)))
        .contains(
            "spec.podSelector.matchLabels has 65 entries; at most 64 are allowed",
            "spec.containers has 65 entries; at most 64 are allowed",
            "spec.podSelector.matchExpressions[0].values has 65 entries; at most 64 are allowed");
  }

  @Test
  void refusesContainerNamesThatAreNotDnsLabels() {
    CgroupIsolation isolation = valid();
    isolation.getSpec().containers = List.of("app", "Side_Car", "x".repeat(64));
    List<Violation> violations = strict.validate(isolation);
    assertThat(messages(violations))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).contains("is not a container name"));
    assertThat(messages(violations).get(0)).startsWith("spec.containers[1]");
    assertThat(violations).allMatch(v -> v.kind() == Kind.InvalidSpec);
  }

  @Test
  void readWriteNeedsAReasonAndTheClusterSetting() {
    CgroupIsolation noReason = valid();
    noReason.getSpec().readOnly = false;
    assertThat(permissive.validate(noReason))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.kind()).isEqualTo(Kind.InvalidSpec);
              assertThat(v.message()).contains("readWriteReason (at least 10 characters)");
            });

    CgroupIsolation reasoned = valid();
    reasoned.getSpec().readOnly = false;
    reasoned.getSpec().readWriteReason = "tunes its own memory.high";
    assertThat(permissive.validate(reasoned)).isEmpty();
    assertThat(strict.validate(reasoned))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.kind()).isEqualTo(Kind.ReadWriteNotPermitted);
              assertThat(v.message()).contains("CGROUP_ISOLATION_ALLOW_READ_WRITE=true");
            });

    CgroupIsolation longReason = valid();
    longReason.getSpec().readWriteReason = "r".repeat(257);
    assertThat(messages(strict.validate(longReason)))
        .containsExactly("spec.readWriteReason is 257 characters long; at most 256 are allowed");
  }

  @Test
  void refusesKubeSystem() {
    CgroupIsolation isolation = Fixtures.isolation("kube-system", "all", null);
    assertThat(strict.validate(isolation))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.kind()).isEqualTo(Kind.NamespaceNotAllowed);
              assertThat(v.message()).contains("kube-system");
            });
  }

  @Test
  void cutsHugeUserInputInMessages() {
    CgroupIsolation isolation = valid();
    isolation.getSpec().podSelector.matchLabels = Map.of("k".repeat(5000), "v");
    assertThat(messages(strict.validate(isolation)).get(0)).hasSizeLessThan(400);
  }

  private static List<String> messages(List<Violation> violations) {
    return violations.stream().map(Violation::message).toList();
  }
}
