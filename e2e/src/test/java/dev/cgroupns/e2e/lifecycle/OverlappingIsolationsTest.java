package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two CgroupIsolations select the same pod: both report it isolated, deleting one leaves it
 * isolated for the other, and only deleting the last one reverts it.
 */
class OverlappingIsolationsTest extends ClusterPerTest {
  @Test
  void deletingOneOfTwoIsolationsOfAPodKeepsItIsolatedUntilTheLastIsGone() {
    E2ePod pod = cluster.startPod("web-0", Map.of("app", "web", "team", "a"));
    ContainerView before = cluster.seenBy(pod);
    cluster.apply(Isolations.selecting("by-app", Map.of("app", "web")));
    cluster.awaitReady("by-app");
    cluster.apply(Isolations.selecting("by-team", Map.of("team", "a")));
    CgroupIsolation second = cluster.awaitReady("by-team");

    assertThat(second.getStatus().isolated).isEqualTo(1);
    ContainerResult secondResult = resultFor(cluster.nodeObject("by-team"), pod);
    assertThat(secondResult.phase).isEqualTo(ContainerPhase.Isolated);
    statusShowsWhatTheContainerSees(secondResult, cluster.seenBy(pod));

    cluster.delete("by-app");
    cluster.awaitGone("by-app");

    // Still isolated, and the remaining isolation still says so for its generation.
    seesOnlyItsOwnSubtree(pod, cluster.seenBy(pod), before);
    CgroupIsolation remaining = cluster.awaitReady("by-team");
    assertThat(remaining.getStatus().isolated).isEqualTo(1);
    assertThat(IsolationConditions.condition(remaining, "Ready").orElseThrow().getReason())
        .isEqualTo("Isolated");
    // Nothing changed for it: Ready never flipped, so its transition time is the first one.
    assertThat(
            IsolationConditions.condition(remaining, "Ready").orElseThrow().getLastTransitionTime())
        .isEqualTo(
            IsolationConditions.condition(second, "Ready").orElseThrow().getLastTransitionTime());
    assertThat(resultFor(cluster.nodeObject("by-team"), pod).phase)
        .isEqualTo(ContainerPhase.Isolated);
    assertThat(cluster.revertRecords()).hasSize(1);

    cluster.delete("by-team");
    cluster.awaitGone("by-team");

    seesTheHostViewAgain(pod, cluster.seenBy(pod), before);
    assertThat(cluster.revertRecords()).isEmpty();
  }
}
