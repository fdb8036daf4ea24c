package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import org.junit.jupiter.api.Test;

/**
 * A container of an isolated pod restarts (kubelet starts a new container, with a new ID, in the
 * same pod cgroup): the new container is isolated too, and the status follows the new ID.
 */
class ContainerRestartTest extends ClusterPerTest {
  @Test
  void aRestartedContainerIsIsolatedAgainAndTheStatusShowsItsNewId() {
    E2ePod pod = cluster.startPod("web-0", WEB);
    E2ePod sibling = cluster.startPod("web-1", WEB);
    ContainerView hostView = cluster.seenBy(pod);
    cluster.apply(Isolations.selecting("web", WEB));
    cluster.awaitReady("web");
    ContainerResult first = resultFor(cluster.nodeObject("web"), pod);
    assertThat(first.containerID).isEqualTo(pod.containerID());

    // The new container starts as the runtime makes it (the whole host tree, writable); the agent
    // may isolate it before the test could look, so only the outcome is checked.
    E2ePod restarted = cluster.restartContainer(pod);

    CgroupIsolationNode object =
        cluster.awaitNodeStatus(
            "web",
            o -> {
              ContainerResult r = resultFor(o, restarted);
              return restarted.containerID().equals(r.containerID)
                  && r.phase == ContainerPhase.Isolated;
            });
    CgroupIsolation ready =
        cluster.awaitIsolation(
            "web",
            i ->
                IsolationConditions.readyForCurrentGeneration(i)
                    && Integer.valueOf(2).equals(i.getStatus().isolated));

    // One result per container of the pod: the new incarnation replaced the old one.
    assertThat(object.getStatus().containers)
        .extracting(r -> r.pod)
        .containsExactlyInAnyOrder(pod.name(), sibling.name());
    ContainerResult result = resultFor(object, restarted);
    assertThat(result.pid).isEqualTo((long) restarted.container().pid());
    assertThat(result.hostCgroupPaths).extracting(p -> p.path).containsOnly(restarted.cgroupPath());
    ContainerView seen = cluster.seenBy(restarted);
    statusShowsWhatTheContainerSees(result, seen);
    seesOnlyItsOwnSubtree(restarted, seen, hostView);
    assertThat(ready.getStatus().matched).isEqualTo(2);
    assertThat(ready.getStatus().failed).isZero();
    // The sibling was not disturbed.
    assertThat(resultFor(object, sibling).containerID).isEqualTo(sibling.containerID());
    assertThat(resultFor(object, sibling).phase).isEqualTo(ContainerPhase.Isolated);
    // The agent recorded how to revert the new container (records are named <pid>-<start>).
    assertThat(cluster.revertRecords())
        .anySatisfy(
            r ->
                assertThat(r.getFileName().toString())
                    .startsWith(restarted.container().pid() + "-"));
  }
}
