package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionTest {

  @Test
  void summarisesUnsortedValues() {
    Distribution d = Distribution.of(List.of(30L, 10L, 50L, 20L, 40L));
    assertThat(d).isEqualTo(new Distribution(30, 50, 10, 50, 5));
  }

  @Test
  void evenCountTakesTheLowerMiddleAndNearestRankP90() {
    Distribution d = Distribution.of(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L));
    assertThat(d.median()).isEqualTo(6);
    // ceil(0.9 * 12) = 11th value
    assertThat(d.p90()).isEqualTo(11);
  }

  @Test
  void oneValueIsEveryFigure() {
    assertThat(Distribution.of(List.of(7L))).isEqualTo(new Distribution(7, 7, 7, 7, 1));
  }

  @Test
  void refusesNoValues() {
    assertThatThrownBy(() -> Distribution.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsWithTheUnit() {
    assertThat(Distribution.of(List.of(5L, 9L)).format("ms"))
        .isEqualTo("median 5 ms, p90 9 ms, min 5 ms, max 9 ms (2 rounds)");
  }
}
