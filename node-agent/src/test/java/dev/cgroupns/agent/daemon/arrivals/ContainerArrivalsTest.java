package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerArrivalsTest {
  private static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  private static ContainerArrivals.Arrival arrival(String container, char id, int pid) {
    String hex = String.valueOf(id).repeat(64);
    return new ContainerArrivals.Arrival(
        UID, container, hex, "containerd://" + hex, new ProcessIdentity(pid, 7), Instant.EPOCH);
  }

  @Test
  void theLatestArrivalOfASlotStandsForItWhileItsInitLives() {
    Set<Integer> alive = new HashSet<>(Set.of(10, 11));
    ContainerArrivals arrivals = new ContainerArrivals(p -> alive.contains(p.pid()));
    arrivals.arrived(arrival("main", 'a', 10));
    arrivals.arrived(arrival("main", 'b', 11));

    assertThat(arrivals.lookup().running(UID, "main"))
        .hasValueSatisfying(a -> assertThat(a.containerId()).isEqualTo("b".repeat(64)));
    assertThat(arrivals.lookup().running(UID, "sidecar")).isEmpty();

    alive.remove(11);
    assertThat(arrivals.lookup().running(UID, "main")).isEmpty();
    assertThat(arrivals.size()).isZero();
  }

  @Test
  void theOldestSlotsGoPastTheBound() {
    ContainerArrivals arrivals = new ContainerArrivals(p -> true);
    for (int i = 0; i < ContainerArrivals.MAX_SLOTS + 10; i++) {
      arrivals.arrived(arrival("c" + i, 'a', 100 + i));
    }
    assertThat(arrivals.size()).isEqualTo(ContainerArrivals.MAX_SLOTS);
    assertThat(arrivals.lookup().running(UID, "c0")).isEmpty();
    assertThat(arrivals.lookup().running(UID, "c" + (ContainerArrivals.MAX_SLOTS + 9))).isPresent();
  }
}
