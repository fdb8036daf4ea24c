package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.e2e.harness.E2eCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the latency bench spreads its cases over real and simulated pods. */
class ReadyLatencyBenchLayoutTest {
  private static final List<Integer> SIZES = List.of(1, 100, 1000);

  @Test
  void eachPodBelongsToTheSmallestCaseThatHoldsIt() {
    assertThat(ReadyLatencyBench.group(0, SIZES)).isEqualTo("upto-1");
    assertThat(ReadyLatencyBench.group(1, SIZES)).isEqualTo("upto-100");
    assertThat(ReadyLatencyBench.group(99, SIZES)).isEqualTo("upto-100");
    assertThat(ReadyLatencyBench.group(100, SIZES)).isEqualTo("upto-1000");
    assertThatThrownBy(() -> ReadyLatencyBench.group(1000, SIZES))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void realPodsComeFirstThenWholeSimulatedNodes() {
    List<String> sim = SimulatedNodes.names("sim", 9);
    assertThat(ReadyLatencyBench.expectedPerNode(1, 100, 100, sim))
        .isEqualTo(Map.of(E2eCluster.NODE, 1));
    assertThat(ReadyLatencyBench.expectedPerNode(100, 100, 100, sim))
        .isEqualTo(Map.of(E2eCluster.NODE, 100));
    Map<String, Integer> thousand = ReadyLatencyBench.expectedPerNode(1000, 100, 100, sim);
    assertThat(thousand)
        .hasSize(10)
        .containsEntry(E2eCluster.NODE, 100)
        .containsEntry("sim-008", 100);
    assertThat(thousand.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
  }

  @Test
  void withoutRealPodsEverythingIsSimulated() {
    assertThat(ReadyLatencyBench.expectedPerNode(150, 0, 100, SimulatedNodes.names("sim", 2)))
        .isEqualTo(Map.of("sim-000", 100, "sim-001", 50));
  }
}
