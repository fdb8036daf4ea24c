package dev.cgroupns.agent.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.events.ContainerEvent.Type;
import dev.cgroupns.agent.daemon.events.EventBudget.Decision;
import dev.cgroupns.agent.daemon.events.EventBudget.Limits;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventBudgetTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final Limits LIMITS =
      new Limits(5, Duration.ofSeconds(10), 2, Duration.ofMinutes(10), 100);

  private static ContainerEvent event(int pod, Type type, String reason) {
    return new ContainerEvent(
        "team", "pod-" + pod, "uid-" + pod, "app", "id-" + pod, type, reason, "Isolate", "m");
  }

  @Test
  void aBurstOfNormalEventsStopsAtTheWarningReserve() {
    EventBudget budget = new EventBudget(LIMITS, T0);
    int sent = 0;
    for (int pod = 0; pod < 30; pod++) {
      if (budget.admit(event(pod, Type.Normal, "Isolated"), T0) == Decision.SEND) {
        sent++;
      }
    }
    assertThat(sent).isEqualTo(3); // burst 5 minus the 2 kept for Warnings
    assertThat(budget.admit(event(100, Type.Warning, "IsolationFailed"), T0))
        .isEqualTo(Decision.SEND);
    assertThat(budget.admit(event(101, Type.Warning, "IsolationFailed"), T0))
        .isEqualTo(Decision.SEND);
    assertThat(budget.admit(event(102, Type.Warning, "IsolationFailed"), T0))
        .isEqualTo(Decision.RATE_LIMITED);
  }

  @Test
  void tokensComeBackAtTheRefillRateUpToTheBurst() {
    EventBudget budget = new EventBudget(LIMITS, T0);
    for (int pod = 0; pod < 5; pod++) {
      budget.admit(event(pod, Type.Warning, "IsolationFailed"), T0);
    }
    assertThat(budget.admit(event(10, Type.Warning, "IsolationFailed"), T0.plusSeconds(9)))
        .isEqualTo(Decision.RATE_LIMITED);
    assertThat(budget.admit(event(10, Type.Warning, "IsolationFailed"), T0.plusSeconds(10)))
        .isEqualTo(Decision.SEND);
    // A long quiet time refills to the burst, not beyond.
    Instant later = T0.plus(Duration.ofHours(1));
    int sent = 0;
    for (int pod = 20; pod < 40; pod++) {
      if (budget.admit(event(pod, Type.Warning, "IsolationFailed"), later) == Decision.SEND) {
        sent++;
      }
    }
    assertThat(sent).isEqualTo(5);
  }

  @Test
  void theSameEventIsSentOncePerDedupeWindow() {
    EventBudget budget = new EventBudget(LIMITS, T0);
    ContainerEvent drift = event(1, Type.Warning, "DriftRepaired");
    assertThat(budget.admit(drift, T0)).isEqualTo(Decision.SEND);
    assertThat(budget.admit(drift, T0.plusSeconds(60))).isEqualTo(Decision.DUPLICATE);
    // Another reason, or another container ID (a restart), is another event.
    assertThat(budget.admit(event(1, Type.Warning, "IsolationFailed"), T0.plusSeconds(60)))
        .isEqualTo(Decision.SEND);
    assertThat(budget.admit(drift, T0.plus(Duration.ofMinutes(10)))).isEqualTo(Decision.SEND);
  }

  @Test
  void aDroppedEventIsNotRememberedAsSent() {
    EventBudget budget = new EventBudget(LIMITS, T0);
    for (int pod = 0; pod < 5; pod++) {
      budget.admit(event(pod, Type.Warning, "IsolationFailed"), T0);
    }
    ContainerEvent late = event(9, Type.Warning, "IsolationFailed");
    assertThat(budget.admit(late, T0)).isEqualTo(Decision.RATE_LIMITED);
    assertThat(budget.admit(late, T0.plusSeconds(10))).isEqualTo(Decision.SEND);
  }
}
