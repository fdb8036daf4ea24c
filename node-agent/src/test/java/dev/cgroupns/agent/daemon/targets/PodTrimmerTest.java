package dev.cgroupns.agent.daemon.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTrimmerTest {
  private static Pod fullPod(String ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("team")
        .withName("web-1")
        .withUid("6f1c2a9e-3b7d-4c1e-9a55-0d2b8f7e4c11")
        .withResourceVersion("42")
        .withLabels(Map.of("app", "web", Protection.NAME_LABEL, "web"))
        .withAnnotations(
            Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true", "kubectl.kubernetes.io/last", "{...}"))
        .addNewManagedField()
        .withManager("kubelet")
        .endManagedField()
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-a")
        .addNewContainer()
        .withName("app")
        .withImage("registry/app:1")
        .addNewEnv()
        .withName("SECRET_URL")
        .withValue("https://example")
        .endEnv()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .addNewContainerStatus()
        .withName("app")
        .withContainerID("containerd://" + "ab".repeat(32))
        .withReady(Boolean.valueOf(ready))
        .withRestartCount(3)
        .withNewState()
        .withNewRunning()
        .withStartedAt("2026-11-29T06:00:00Z")
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void keepsWhatAPassReadsAndNothingElse() {
    Pod trimmed = PodTrimmer.trim(fullPod("True"));

    assertThat(trimmed.getMetadata().getName()).isEqualTo("web-1");
    assertThat(trimmed.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(trimmed.getMetadata().getUid()).isEqualTo("6f1c2a9e-3b7d-4c1e-9a55-0d2b8f7e4c11");
    assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(trimmed.getMetadata().getLabels()).containsOnlyKeys(Protection.NAME_LABEL);
    assertThat(trimmed.getMetadata().getAnnotations())
        .containsOnlyKeys(ApiGroup.OPT_OUT_ANNOTATION);
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(trimmed.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(trimmed.getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("app");
              assertThat(c.getImage()).isNull();
              assertThat(c.getEnv()).isNullOrEmpty();
            });
    assertThat(trimmed.getStatus().getConditions()).isNullOrEmpty();
    assertThat(trimmed.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getContainerID()).isEqualTo("containerd://" + "ab".repeat(32));
              assertThat(s.getState().getRunning()).isNotNull();
              assertThat(s.getState().getWaiting()).isNull();
              assertThat(s.getRestartCount()).isNull();
            });
    // What the protection rules decide on survives the trim.
    assertThat(new Protection(null, null).leaveAlone(trimmed)).isPresent();
  }

  @Test
  void readinessChangesAreNotWorthAPassButANewContainerIdIs() {
    Pod ready = fullPod("True");
    Pod notReady = fullPod("False");
    notReady.getMetadata().setResourceVersion("43");
    assertThat(PodTrimmer.sameForPasses(ready, notReady)).isTrue();

    Pod restarted = fullPod("True");
    restarted
        .getStatus()
        .getContainerStatuses()
        .get(0)
        .setContainerID("containerd://" + "cd".repeat(32));
    assertThat(PodTrimmer.sameForPasses(ready, restarted)).isFalse();
  }
}
