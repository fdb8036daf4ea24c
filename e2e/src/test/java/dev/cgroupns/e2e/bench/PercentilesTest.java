package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void ninetyNinthOfAHundredIsTheSecondLargest() {
    List<Long> values = new ArrayList<>();
    for (long i = 100; i >= 1; i--) {
      values.add(i);
    }
    assertThat(Percentiles.of(values)).isEqualTo(new Percentiles(50, 99, 100, 100));
  }

  @Test
  void ofThirtyTheNinetyNinthIsTheMaximum() {
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= 30; i++) {
      values.add(i * 10);
    }
    assertThat(Percentiles.of(values)).isEqualTo(new Percentiles(150, 300, 300, 30));
  }

  @Test
  void formattedWithOrWithoutTheCount() {
    Percentiles p = new Percentiles(120, 180, 190, 30);
    assertThat(p.format("ms", "containers"))
        .isEqualTo("p50 120 ms, p99 180 ms, max 190 ms (30 containers)");
    assertThat(p.format("us")).isEqualTo("p50 120 us, p99 180 us, max 190 us");
  }

  @Test
  void noMeasurementIsAnError() {
    assertThatThrownBy(() -> Percentiles.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
