package dev.cgroupns.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.PodSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodSelectorMatcherTest {
  private static final Map<String, String> LABELS = Map.of("app", "x", "tier", "web");

  @Test
  void emptySelectorMatchesEveryPodAndNoSelectorNone() {
    assertThat(PodSelectorMatcher.matches(new PodSelector(), LABELS)).isTrue();
    assertThat(PodSelectorMatcher.matches(new PodSelector(), null)).isTrue();
    assertThat(PodSelectorMatcher.matches(null, LABELS)).isFalse();
  }

  @Test
  void matchLabelsMustAllHold() {
    assertThat(PodSelectorMatcher.matches(new PodSelector(Map.of("app", "x"), null), LABELS))
        .isTrue();
    assertThat(
            PodSelectorMatcher.matches(
                new PodSelector(Map.of("app", "x", "tier", "db"), null), LABELS))
        .isFalse();
    assertThat(PodSelectorMatcher.matches(new PodSelector(Map.of("app", "x"), null), null))
        .isFalse();
  }

  @Test
  void eachOperatorHasKubernetesMeaning() {
    assertThat(matches("app", LabelSelectorOperator.In, List.of("x", "y"))).isTrue();
    assertThat(matches("app", LabelSelectorOperator.In, List.of("y"))).isFalse();
    assertThat(matches("app", LabelSelectorOperator.NotIn, List.of("y"))).isTrue();
    assertThat(matches("absent", LabelSelectorOperator.NotIn, List.of("y"))).isTrue();
    assertThat(matches("app", LabelSelectorOperator.NotIn, List.of("x"))).isFalse();
    assertThat(matches("app", LabelSelectorOperator.Exists, null)).isTrue();
    assertThat(matches("absent", LabelSelectorOperator.Exists, null)).isFalse();
    assertThat(matches("absent", LabelSelectorOperator.DoesNotExist, null)).isTrue();
    assertThat(matches("app", LabelSelectorOperator.DoesNotExist, null)).isFalse();
  }

  private static boolean matches(String key, LabelSelectorOperator operator, List<String> values) {
    PodSelector selector =
        new PodSelector(
            Map.of("tier", "web"), List.of(new LabelSelectorRequirement(key, operator, values)));
    return PodSelectorMatcher.matches(selector, LABELS);
  }
}
