package dev.cgroupns.agent.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.events.ContainerEvent;
import dev.cgroupns.agent.daemon.events.EventBudget;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Event objects the agent writes are valid whatever the pod and node names. */
class PodEventWriterTest {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00.123456789Z");

  private static PodEventWriter writer(String node) {
    return new PodEventWriter(
        null,
        node,
        EventBudget.Limits.DEFAULT,
        new AgentMetrics(new SimpleMeterRegistry()),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static ContainerEvent event(String pod) {
    return new ContainerEvent(
        "team",
        pod,
        "6f1c2a9e-3b7d-4c1e-9a55-0d2b8f7e4c11",
        "app",
        "ab".repeat(32),
        ContainerEvent.Type.Warning,
        "IsolationFailed",
        "Isolate",
        "could not isolate container app");
  }

  @Test
  void namesAreValidAndDistinctEvenForTheLongestPodNames() {
    String longest = "a".repeat(230) + "-" + "b".repeat(22);
    assertThat(longest).hasSize(253);
    try (PodEventWriter writer = writer("node-a")) {
      String first = writer.toEvent(event(longest), NOW).getMetadata().getName();
      String second = writer.toEvent(event(longest), NOW).getMetadata().getName();
      assertThat(first).hasSizeLessThanOrEqualTo(253).matches(DNS_SUBDOMAIN);
      assertThat(second).isNotEqualTo(first);
    }
    // A cut landing on '-' must not leave "-." behind.
    assertThat(PodEventWriter.eventName("a".repeat(236) + "-b", 0x1234567890abcdefL))
        .matches(DNS_SUBDOMAIN);
  }

  @Test
  void theEventNamesThePodTheContainerAndTheReportingNode() {
    String longNode = "ip-10-0-0-1." + "x".repeat(190) + ".internal";
    try (PodEventWriter writer = writer(longNode)) {
      Event event = writer.toEvent(event("web-1"), NOW);
      assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
      assertThat(event.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
      assertThat(event.getReportingComponent()).isEqualTo(PodEventWriter.COMPONENT);
      // The API server refuses a reportingInstance over 128 characters.
      assertThat(event.getReportingInstance()).hasSize(128).isEqualTo(longNode.substring(0, 128));
      assertThat(event.getType()).isEqualTo("Warning");
      assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-29T10:00:00Z");
      assertThat(event.getCount()).isEqualTo(1);
    }
  }
}
