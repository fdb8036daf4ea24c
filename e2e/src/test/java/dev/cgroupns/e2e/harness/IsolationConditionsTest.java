package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's idea of Ready, which every lifecycle test waits on. */
class IsolationConditionsTest {

  @Test
  void readyForTheCurrentGenerationCounts() {
    assertThat(IsolationConditions.readyForCurrentGeneration(isolation(2, 2L, "True", 2L)))
        .isTrue();
  }

  @Test
  void aReadyLeftFromAnEarlierGenerationDoesNotCount() {
    assertThat(IsolationConditions.readyForCurrentGeneration(isolation(3, 2L, "True", 2L)))
        .isFalse();
    assertThat(IsolationConditions.readyForCurrentGeneration(isolation(3, 3L, "True", 2L)))
        .isFalse();
  }

  @Test
  void notReadyOrNoStatusDoesNotCount() {
    assertThat(IsolationConditions.readyForCurrentGeneration(isolation(1, 1L, "False", 1L)))
        .isFalse();
    CgroupIsolation fresh = Isolations.selecting("web", Map.of("app", "web"));
    fresh.getMetadata().setGeneration(1L);
    assertThat(IsolationConditions.readyForCurrentGeneration(fresh)).isFalse();
  }

  private static CgroupIsolation isolation(
      long generation, Long observed, String ready, Long readyObserved) {
    CgroupIsolation isolation = Isolations.selecting("web", Map.of("app", "web"));
    isolation.getMetadata().setGeneration(generation);
    CgroupIsolationStatus status = new CgroupIsolationStatus();
    status.observedGeneration = observed;
    status.conditions =
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus(ready)
                .withObservedGeneration(readyObserved)
                .build());
    isolation.setStatus(status);
    return isolation;
  }
}
