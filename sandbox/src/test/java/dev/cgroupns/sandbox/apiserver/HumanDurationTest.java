package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

  @Test
  void printsAgesLikeKubectl() {
    assertThat(HumanDuration.format(Duration.ofSeconds(-3))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(HumanDuration.format(Duration.ofSeconds(192))).isEqualTo("3m12s");
    assertThat(HumanDuration.format(Duration.ofMinutes(4))).isEqualTo("4m");
    assertThat(HumanDuration.format(Duration.ofMinutes(42))).isEqualTo("42m");
    assertThat(HumanDuration.format(Duration.ofMinutes(5 * 60 + 7))).isEqualTo("5h7m");
    assertThat(HumanDuration.format(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.format(Duration.ofHours(51))).isEqualTo("2d3h");
    assertThat(HumanDuration.format(Duration.ofDays(40))).isEqualTo("40d");
  }
}
