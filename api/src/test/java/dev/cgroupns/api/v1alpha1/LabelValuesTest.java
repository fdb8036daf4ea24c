package dev.cgroupns.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelValuesTest {

  @Test
  void shortNamesAreTheirOwnLabelValue() {
    assertThat(LabelValues.ofName("node-a")).isEqualTo("node-a");
    String exactly63 = "n".repeat(63);
    assertThat(LabelValues.ofName(exactly63)).isEqualTo(exactly63);
  }

  @Test
  void longNamesBecomeValidDistinctStableLabelValues() {
    String node1 = "ip-10-0-0-1.eu-west-1.compute.internal.example.long-cluster-domain.com";
    String node2 = "ip-10-0-0-2.eu-west-1.compute.internal.example.long-cluster-domain.com";
    assertThat(node1.length()).isGreaterThan(63);

    String value1 = LabelValues.ofName(node1);
    assertThat(value1).hasSizeLessThanOrEqualTo(63).matches(LabelPatterns.VALUE);
    assertThat(value1).isNotEqualTo(LabelValues.ofName(node2));
    assertThat(LabelValues.ofName(node1)).isEqualTo(value1);
    // Objects already labelled by earlier operator versions must still be found: the value is
    // fixed by this rule, not an implementation detail.
    assertThat(value1).isEqualTo("ip-10-0-0-1.eu-west-1.compute.internal.example.long-6c6bdb5697");
  }

  @Test
  void aCutLandingOnADotOrDashLeavesNoInvalidValue() {
    String awkward = "a".repeat(51) + ".-" + "b".repeat(40);
    assertThat(LabelValues.ofName(awkward))
        .matches(LabelPatterns.VALUE)
        .startsWith("a".repeat(51) + "-");
  }

  @Test
  void aHundredCharacterNodeNameFits() {
    String node = "worker-" + "x".repeat(87) + ".local";
    assertThat(node).hasSize(100);
    assertThat(LabelValues.ofName(node)).hasSize(63).matches(LabelPatterns.VALUE);
  }
}
