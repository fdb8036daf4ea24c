package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/**
 * A pod that mounts the host cgroupfs through a hostPath volume on purpose (a monitoring agent) is
 * skipped, with an Event on the pod saying how to include it; spec.hostCgroupfsPods: Include then
 * isolates it like any other.
 */
class HostCgroupfsPodsTest extends ClusterPerTest {
  @Test
  void aPodMountingTheHostCgroupfsIsSkippedUntilExplicitlyIncluded() {
    E2ePod plain = cluster.startPod("web-0", WEB);
    E2ePod monitor = cluster.startPod("monitor-0", WEB, HostCgroupfsPodsTest::withHostCgroupfs);
    ContainerView monitorBefore = cluster.seenBy(monitor);
    cluster.apply(Isolations.selecting("web", WEB));

    CgroupIsolation ready = cluster.awaitReady("web");

    assertThat(ready.getStatus().matched).isEqualTo(1);
    assertThat(ready.getStatus().isolated).isEqualTo(1);
    assertThat(cluster.nodeObject("web").getSpec().pods)
        .extracting(p -> p.name)
        .containsExactly(plain.name());
    seesTheHostViewAgain(monitor, cluster.seenBy(monitor), monitorBefore);
    Pod monitorObject = cluster.podObject(monitor);
    E2eCluster.waiting("a CgroupIsolationSkipped event on " + monitor.name())
        .until(
            () -> cluster.eventsAbout(monitorObject),
            events ->
                events.stream()
                    .anyMatch(
                        e ->
                            "CgroupIsolationSkipped".equals(e.getReason())
                                && e.getMessage().contains("hostCgroupfsPods: Include")));

    cluster.edit(
        "web",
        i -> {
          i.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;
          return i;
        });
    CgroupIsolation included =
        cluster.awaitReadyAfter(ready, i -> Integer.valueOf(2).equals(i.getStatus().isolated));

    assertThat(included.getStatus().matched).isEqualTo(2);
    seesOnlyItsOwnSubtree(monitor, cluster.seenBy(monitor), monitorBefore);
  }

  /** The Pod declares what the monitoring agent's container does: the host's cgroupfs, mounted. */
  private static Pod withHostCgroupfs(Pod pod) {
    return new PodBuilder(pod)
        .editSpec()
        .addNewVolume()
        .withName("host-cgroup")
        .withNewHostPath()
        .withPath("/sys/fs/cgroup")
        .endHostPath()
        .endVolume()
        .editFirstContainer()
        .addNewVolumeMount()
        .withName("host-cgroup")
        .withMountPath("/sys/fs/cgroup")
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .build();
  }
}
