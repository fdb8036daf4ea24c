package dev.cgroupns.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** The Pod status a restarted demo container gets, as kubelet would report it. */
class DemoPodsTest {
  private static final String OLD_ID = "a".repeat(64);
  private static final String NEW_ID = "b".repeat(64);
  private static final String NOW = "2026-01-02T03:04:05Z";

  @Test
  void restartedContainerCarriesTheNewIdOneMoreRestartAndTheOldOneAsLastState() {
    Pod pod = pod(2);

    Pod restarted = DemoPods.withRestartedContainer(pod, NEW_ID, NOW);

    ContainerStatus app = status(restarted, DemoPods.CONTAINER_NAME);
    assertThat(app.getContainerID()).isEqualTo("containerd://" + NEW_ID);
    assertThat(app.getRestartCount()).isEqualTo(3);
    assertThat(app.getState().getRunning().getStartedAt()).isEqualTo(NOW);
    assertThat(app.getLastState().getTerminated().getContainerID())
        .isEqualTo("containerd://" + OLD_ID);
    assertThat(app.getReady()).isTrue();
  }

  @Test
  void otherContainersAndTheInputAreLeftAsTheyWere() {
    Pod pod = pod(0);

    Pod restarted = DemoPods.withRestartedContainer(pod, NEW_ID, NOW);

    assertThat(status(restarted, "sidecar")).isEqualTo(status(pod, "sidecar"));
    assertThat(restarted.getStatus().getContainerStatuses()).hasSize(2);
    assertThat(status(pod, DemoPods.CONTAINER_NAME).getContainerID())
        .isEqualTo("containerd://" + OLD_ID);
  }

  @Test
  void refusesWhatIsNotAContainerId() {
    assertThatThrownBy(() -> DemoPods.withRestartedContainer(pod(0), "../../etc", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a container ID");
  }

  @Test
  void refusesAPodWithoutTheDemoContainer() {
    Pod pod = pod(0);
    pod.getStatus().getContainerStatuses().remove(0);

    assertThatThrownBy(() -> DemoPods.withRestartedContainer(pod, NEW_ID, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no app");
  }

  private static Pod pod(int restartCount) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-0")
        .withNamespace("default")
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName(DemoPods.CONTAINER_NAME)
                .withContainerID("containerd://" + OLD_ID)
                .withReady(true)
                .withRestartCount(restartCount)
                .withNewState()
                .withNewRunning("2026-01-01T00:00:00Z")
                .endState()
                .build(),
            new ContainerStatusBuilder()
                .withName("sidecar")
                .withContainerID("containerd://" + "c".repeat(64))
                .withRestartCount(0)
                .build())
        .endStatus()
        .build();
  }

  private static ContainerStatus status(Pod pod, String container) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName()))
        .findFirst()
        .orElseThrow();
  }
}
