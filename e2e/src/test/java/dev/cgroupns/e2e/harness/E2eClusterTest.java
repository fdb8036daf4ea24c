package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.sandbox.demo.DemoPods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: pods are what kubelet would report for real containers, a restart is a new
 * container in the same pod cgroup, and closing leaves nothing behind.
 */
class E2eClusterTest {

  @Test
  void podsRestartsAndDeletionsMatchTheRealContainersAndNothingIsLeftBehind() {
    Path cgroupRoot;
    try (E2eCluster cluster = E2eCluster.start()) {
      cgroupRoot = Path.of("/sys/fs/cgroup/memory").resolve(cluster.cgroupRoot().substring(1));
      E2ePod pod = cluster.startPod("harness-0", Map.of("app", "harness"));

      Pod object =
          cluster.client().pods().inNamespace(cluster.namespace()).withName("harness-0").get();
      assertThat(object.getMetadata().getUid()).isEqualTo(pod.uid());
      assertThat(object.getSpec().getNodeName()).isEqualTo(E2eCluster.NODE);
      assertThat(app(object).getContainerID()).isEqualTo(pod.containerID());
      assertThat(pod.cgroupPath())
          .contains("pod" + pod.uid())
          .endsWith(pod.container().containerId());
      // The container really runs in the cgroup its pod names (read inside it, host namespace).
      assertThat(cluster.seenBy(pod).procSelfCgroup())
          .allMatch(l -> l.endsWith(":" + pod.cgroupPath()));

      E2ePod restarted = cluster.restartContainer(pod);

      assertThat(restarted.container().containerId()).isNotEqualTo(pod.container().containerId());
      assertThat(restarted.uid()).isEqualTo(pod.uid());
      assertThat(cluster.isRunning(pod)).isFalse();
      assertThat(cluster.isRunning(restarted)).isTrue();
      Pod after =
          cluster.client().pods().inNamespace(cluster.namespace()).withName("harness-0").get();
      assertThat(app(after).getContainerID()).isEqualTo(restarted.containerID());
      assertThat(app(after).getRestartCount()).isEqualTo(1);
      assertThat(cluster.seenBy(restarted).procSelfCgroup())
          .allMatch(l -> l.endsWith(":" + restarted.cgroupPath()));

      cluster.deletePod(restarted);

      assertThat(cluster.isRunning(restarted)).isFalse();
      assertThat(
              cluster.client().pods().inNamespace(cluster.namespace()).withName("harness-0").get())
          .isNull();
      assertThat(cluster.hostMountsUnchanged()).isTrue();
      assertThat(Files.isDirectory(cgroupRoot)).isTrue();
    }
    // close() asserts the host's mountinfo and that no container, cgroup or directory is left.
    assertThat(Files.exists(cgroupRoot)).isFalse();
  }

  private static ContainerStatus app(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> DemoPods.CONTAINER_NAME.equals(s.getName()))
        .findFirst()
        .orElseThrow();
  }
}
