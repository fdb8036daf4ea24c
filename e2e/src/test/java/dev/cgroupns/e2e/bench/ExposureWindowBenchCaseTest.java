package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExposureWindowBenchCaseTest {
  @Test
  void casesAreSizesTimesRounds() {
    assertThat(ExposureWindowBench.Case.parse("1x10, 30x2"))
        .containsExactly(new ExposureWindowBench.Case(1, 10), new ExposureWindowBench.Case(30, 2));
  }

  @Test
  void aCaseWithoutRoundsSaysWhatItExpects() {
    assertThatThrownBy(() -> ExposureWindowBench.Case.parse("30"))
        .hasMessageContaining("PODSxROUNDS");
  }

  @Test
  void eachRoundsPodsCarryTheSelectedLabelAndTheirRound() {
    String yaml = ExposureWindowBench.pods("n30-r1", 3, "node-a");
    assertThat(yaml).contains("name: n30-r1-0", "name: n30-r1-2").doesNotContain("n30-r1-3");
    assertThat(yaml).contains("app: bench", "round: n30-r1", "privileged: true");
  }
}
