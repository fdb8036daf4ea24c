package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootClockTest {
  private static final long MS = 1_000_000;

  @Test
  void uptimeIsReadInHundredthsOfASecond() {
    assertThat(BootClock.parseUptimeCentis("350735.47 699655.51\n")).isEqualTo(35_073_547);
    assertThat(BootClock.parseUptimeCentis("0.05 0.01")).isEqualTo(5);
  }

  @Test
  void anUptimeWithoutTwoDecimalsIsRejected() {
    assertThatThrownBy(() -> BootClock.parseUptimeCentis("12345 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("12345");
  }

  @Test
  void readingsOnBothSidesOfATickPinTheOffsetDown() {
    // Uptime 100000.00 s read between nanoTime 5.7 and 5.8 ms, 100000.01 s between 5.9 and 6.0
    // ms: the tick fell in between, so boot-time = nanoTime + 100000 s + [4.0, 4.3] ms.
    long u = 100_000L * 100;
    BootClock clock =
        BootClock.calibrate(
            List.of(
                new BootClock.Sample(5_700_000, u, 5_800_000),
                new BootClock.Sample(5_900_000, u + 1, 6_000_000)));
    assertThat(clock.uncertaintyNanos()).isEqualTo(150_000);
    long ticks = 100_000L * BootClock.TICKS_PER_SECOND;
    assertThat(clock.nanoTimeOfTicks(ticks)).isEqualTo(-4_150_000);
    assertThat(clock.nanoTimeOfTicks(ticks + 1)).isEqualTo(-4_150_000 + 10 * MS);
  }

  @Test
  void contradictoryReadingsAreRejected() {
    assertThatThrownBy(
            () ->
                BootClock.calibrate(
                    List.of(
                        new BootClock.Sample(0, 100, 1_000),
                        new BootClock.Sample(2_000, 300, 3_000))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("drifted");
  }
}
