package dev.cgroupns.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.operator.testing.Fixtures;
import dev.cgroupns.testbed.kube.MockApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KubernetesEventRecorderTest {
  private final MockApiServer cluster = MockApiServer.start();

  @AfterEach
  void close() {
    cluster.close();
  }

  private List<Event> events() {
    return cluster.client().v1().events().inNamespace("team-a").list().getItems();
  }

  @Test
  void recordsOnceForTheSameObjectReasonAndMessage() {
    Pod pod =
        cluster.client().resource(Fixtures.pod("team-a", "web-1", "node-a", Map.of())).create();
    KubernetesEventRecorder recorder = new KubernetesEventRecorder(cluster.client());

    recorder.warning(pod, "CgroupIsolationFailed", "container app: mount failed");
    recorder.warning(pod, "CgroupIsolationFailed", "container app: mount failed");
    // A second replica (or a restarted operator) has its own memory; the name still collides.
    new KubernetesEventRecorder(cluster.client())
        .warning(pod, "CgroupIsolationFailed", "container app: mount failed");
    recorder.normal(pod, "CgroupIsolationSkipped", "left alone");

    assertThat(events()).hasSize(2);
    Event failed =
        events().stream().filter(e -> e.getType().equals("Warning")).findFirst().orElseThrow();
    assertThat(failed.getInvolvedObject().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(failed.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(failed.getReason()).isEqualTo("CgroupIsolationFailed");
    assertThat(failed.getMessage()).isEqualTo("container app: mount failed");
    assertThat(failed.getSource().getComponent()).isEqualTo(KubernetesEventRecorder.COMPONENT);
  }

  @Test
  void aFailedWriteNeverThrows() {
    Pod pod = Fixtures.pod("team-a", "web-1", "node-a", Map.of());
    try (var unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(200)
                    .build())
            .build()) {
      new KubernetesEventRecorder(unreachable).warning(pod, "Anything", "lost");
    }
  }

  @Test
  void longMessagesAndNamesStayValid() {
    Pod pod = Fixtures.pod("team-a", "p".repeat(250), "node-a", Map.of());
    new KubernetesEventRecorder(cluster.client()).normal(pod, "Long", "m".repeat(5000));
    assertThat(events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(1024);
              assertThat(e.getMetadata().getName()).hasSizeLessThanOrEqualTo(253);
            });
  }
}
