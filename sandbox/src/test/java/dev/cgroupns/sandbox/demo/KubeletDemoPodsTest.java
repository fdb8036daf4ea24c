package dev.cgroupns.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo pods as the kubelet gets them, and what the sandbox reads back from their status. */
class KubeletDemoPodsTest {
  private static final String ID = "c".repeat(64);

  @Test
  void aDemoPodIsAPrivilegedBusyboxPinnedToTheNodeThatIsNeverPulled() {
    Pod pod = KubeletDemoPods.podObject("demo-0", "cgroupns-node-1", Map.of("app", "demo"));

    assertThat(pod.getMetadata().getName()).isEqualTo("demo-0");
    assertThat(pod.getMetadata().getLabels()).containsExactlyEntriesOf(Map.of("app", "demo"));
    assertThat(pod.getSpec().getNodeName()).isEqualTo("cgroupns-node-1");
    var container = pod.getSpec().getContainers().get(0);
    assertThat(container.getName()).isEqualTo(KubeletDemoPods.CONTAINER_NAME);
    assertThat(container.getImagePullPolicy()).isEqualTo("Never");
    assertThat(container.getSecurityContext().getPrivileged()).isTrue();
    assertThat(container.getCommand()).containsExactly("sleep", "2147483647");
    assertThat(pod.getSpec().getVolumes()).isNullOrEmpty();
  }

  @Test
  void aPodRunsOnceItsContainerIsReadyWithARuntimeId() {
    assertThat(KubeletDemoPods.running(pod(false, ID))).isEmpty();
    assertThat(KubeletDemoPods.running(pod(true, null))).isEmpty();
    assertThat(KubeletDemoPods.running(null)).isEmpty();

    var running = KubeletDemoPods.running(pod(true, "containerd://" + ID)).orElseThrow();

    assertThat(running.containerId()).isEqualTo(ID);
    assertThat(running.cgroup()).isEqualTo("/kubepods/besteffort/pod1234/" + ID);
  }

  @Test
  void aPodThatDoesNotComeUpIsDescribedByItsWaitingReason() {
    Pod waiting =
        new PodBuilder(pod(false, null))
            .editStatus()
            .withPhase("Pending")
            .editFirstContainerStatus()
            .withNewState()
            .withNewWaiting()
            .withReason("ErrImageNeverPull")
            .withMessage("image not present")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    assertThat(KubeletDemoPods.describe(waiting))
        .isEqualTo("phase Pending, main waiting: ErrImageNeverPull (image not present)");
    assertThat(KubeletDemoPods.describe(null)).isEqualTo("the Pod object is gone");
  }

  private static Pod pod(boolean ready, String containerId) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("demo-0")
        .withUid("1234")
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName(KubeletDemoPods.CONTAINER_NAME)
                .withReady(ready)
                .withContainerID(containerId)
                .build())
        .endStatus()
        .build();
  }
}
