package dev.cgroupns.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsolationStatusWatcherTest {

  @Test
  void readyMeansReadyTrueForTheCurrentGeneration() {
    GenericKubernetesResource cgi = isolation(2L, 2L, "True");
    assertThat(IsolationStatusWatcher.isReady(cgi)).isTrue();
    assertThat(IsolationStatusWatcher.summary(cgi))
        .isEqualTo("Ready=True (AllIsolated): matched 3, isolated 3, failed 0");
    assertThat(IsolationStatusWatcher.isReady(isolation(3L, 2L, "True"))).isFalse();
    assertThat(IsolationStatusWatcher.isReady(isolation(2L, 2L, "False"))).isFalse();
    GenericKubernetesResource fresh = new GenericKubernetesResource();
    fresh.setMetadata(new ObjectMetaBuilder().withName("demo").withGeneration(1L).build());
    assertThat(IsolationStatusWatcher.isReady(fresh)).isFalse();
    assertThat(IsolationStatusWatcher.summary(fresh))
        .isEqualTo("Ready=<none yet>: matched -, isolated -, failed -");
  }

  private static GenericKubernetesResource isolation(long generation, long observed, String ready) {
    GenericKubernetesResource cgi = new GenericKubernetesResource();
    cgi.setMetadata(new ObjectMetaBuilder().withName("demo").withGeneration(generation).build());
    cgi.setAdditionalProperty(
        "status",
        Map.of(
            "observedGeneration",
            observed,
            "matched",
            3,
            "isolated",
            3,
            "failed",
            0,
            "conditions",
            List.of(Map.of("type", "Ready", "status", ready, "reason", "AllIsolated"))));
    return cgi;
  }
}
