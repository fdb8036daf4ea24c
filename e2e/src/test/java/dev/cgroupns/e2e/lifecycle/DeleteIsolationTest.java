package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deleting a CgroupIsolation: the agent reverts every container, the operator then removes the node
 * objects and releases its finalizer, and nothing of the isolation is left on the node.
 */
class DeleteIsolationTest extends ClusterPerTest {
  @Test
  void everyContainerIsRevertedAndTheFinalizerReleased() {
    List<E2ePod> pods = cluster.startPods("web", 2, WEB);
    Map<E2ePod, ContainerView> before =
        Map.of(pods.get(0), cluster.seenBy(pods.get(0)), pods.get(1), cluster.seenBy(pods.get(1)));
    cluster.apply(Isolations.selecting("web", WEB));
    CgroupIsolation ready = cluster.awaitReady("web");
    assertThat(ready.getMetadata().getFinalizers()).contains("cgroupns.dev/revert");
    assertThat(cluster.revertRecords()).hasSize(2);

    cluster.delete("web");
    cluster.awaitGone("web");

    for (E2ePod pod : pods) {
      seesTheHostViewAgain(pod, cluster.seenBy(pod), before.get(pod));
    }
    for (E2ePod pod : pods) {
      Pod object = cluster.podObject(pod);
      E2eCluster.waiting("a Reverted event on " + pod.name())
          .until(
              () ->
                  cluster.eventsAbout(object).stream()
                      .filter(e -> "Reverted".equals(e.getReason()))
                      .filter(
                          e -> "cgroup-isolation-node-agent".equals(e.getSource().getComponent()))
                      .count(),
              n -> n == 1);
    }
    assertThat(cluster.nodeObjects("web")).isEmpty();
    assertThat(cluster.revertRecords()).isEmpty();
    assertThat(cluster.hostMountsUnchanged()).isTrue();
    // The operator said why the object could go: every agent confirmed.
    assertThat(cluster.eventsAbout(ready))
        .filteredOn(e -> "Reverted".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getMessage()).contains("every agent confirmed its revert on 1 node");
            });
  }
}
