package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import org.junit.jupiter.api.Test;

/**
 * Pods come and go under an applied CgroupIsolation: a matching pod created after it became Ready
 * is isolated too, and a pod that is deleted leaves the instructions and the counts.
 */
class PodChurnTest extends ClusterPerTest {
  @Test
  void aPodCreatedLaterIsIsolatedAndADeletedPodLeavesTheCounts() {
    E2ePod first = cluster.startPod("web-0", WEB);
    ContainerView hostView = cluster.seenBy(first);
    cluster.apply(Isolations.selecting("web", WEB));
    cluster.awaitReady("web");

    E2ePod later = cluster.startPod("web-1", WEB);
    CgroupIsolation grown = awaitReadyWith(2);

    assertThat(grown.getStatus().isolated).isEqualTo(2);
    CgroupIsolationNode object =
        cluster.awaitNodeStatus("web", o -> o.getStatus().containers.size() == 2);
    assertThat(resultFor(object, later).phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(resultFor(object, later).containerID).isEqualTo(later.containerID());
    ContainerView seen = cluster.seenBy(later);
    statusShowsWhatTheContainerSees(resultFor(object, later), seen);
    seesOnlyItsOwnSubtree(later, seen, hostView);

    cluster.deletePod(first);
    CgroupIsolation shrunk = awaitReadyWith(1);

    assertThat(shrunk.getStatus().isolated).isEqualTo(1);
    assertThat(shrunk.getStatus().failed).isZero();
    assertThat(shrunk.getStatus().problems).isEmpty();
    CgroupIsolationNode after = cluster.awaitNodeStatus("web", o -> o.getSpec().pods.size() == 1);
    assertThat(after.getSpec().pods).extracting(p -> p.name).containsExactly(later.name());
    assertThat(after.getStatus().containers).extracting(r -> r.pod).containsExactly(later.name());
  }

  /** Ready for the current generation with this many matched containers. */
  private CgroupIsolation awaitReadyWith(int matched) {
    return cluster.awaitIsolation(
        "web",
        i ->
            IsolationConditions.readyForCurrentGeneration(i)
                && Integer.valueOf(matched).equals(i.getStatus().matched));
  }
}
