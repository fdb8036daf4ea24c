package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The selector of an applied CgroupIsolation narrows: the pods it no longer matches are reverted
 * (their containers see what the runtime gave them again), the others stay isolated, and the status
 * counts only what is still selected, for the new generation.
 */
class SelectorChangeTest extends ClusterPerTest {
  @Test
  void deselectedPodsAreRevertedAndTheOthersStayIsolated() {
    E2ePod kept = cluster.startPod("web-a", Map.of("app", "web", "tier", "a"));
    E2ePod dropped = cluster.startPod("web-b", Map.of("app", "web", "tier", "b"));
    ContainerView keptBefore = cluster.seenBy(kept);
    ContainerView droppedBefore = cluster.seenBy(dropped);
    cluster.apply(Isolations.selecting("web", Map.of("app", "web")));
    CgroupIsolation first = cluster.awaitReady("web");
    assertThat(first.getStatus().isolated).isEqualTo(2);
    seesOnlyItsOwnSubtree(dropped, cluster.seenBy(dropped), droppedBefore);

    cluster.edit(
        "web",
        i -> {
          i.getSpec().podSelector = new PodSelector(Map.of("app", "web", "tier", "a"), null);
          return i;
        });
    CgroupIsolation narrowed =
        cluster.awaitReadyAfter(first, i -> Integer.valueOf(1).equals(i.getStatus().matched));

    assertThat(narrowed.getStatus().isolated).isEqualTo(1);
    assertThat(narrowed.getStatus().failed).isZero();
    assertThat(narrowed.getStatus().nodes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.matched).isEqualTo(1);
              assertThat(n.isolated).isEqualTo(1);
            });
    // The deselected container sees the host's tree again; the kept one still only its own.
    seesTheHostViewAgain(dropped, cluster.seenBy(dropped), droppedBefore);
    ContainerView keptNow = cluster.seenBy(kept);
    seesOnlyItsOwnSubtree(kept, keptNow, keptBefore);
    // The agent was told about the kept pod only, and reports it as it is.
    CgroupIsolationNode object = cluster.awaitNodeStatus("web", o -> o.getSpec().pods.size() == 1);
    assertThat(object.getSpec().pods).extracting(p -> p.name).containsExactly(kept.name());
    assertThat(resultFor(object, kept).phase).isEqualTo(ContainerPhase.Isolated);
    statusShowsWhatTheContainerSees(resultFor(object, kept), keptNow);
    assertThat(object.getStatus().containers)
        .filteredOn(r -> dropped.name().equals(r.pod))
        .allSatisfy(r -> assertThat(r.phase).isEqualTo(ContainerPhase.Reverted));
    // Only the kept container still has a revert record.
    assertThat(cluster.revertRecords())
        .singleElement()
        .satisfies(
            r -> assertThat(r.getFileName().toString()).startsWith(kept.container().pid() + "-"));
  }

  @Test
  void aSelectorThatMatchesNothingRevertsEveryContainer() {
    E2ePod pod = cluster.startPod("web-0", Map.of("app", "web"));
    ContainerView before = cluster.seenBy(pod);
    cluster.apply(Isolations.selecting("web", Map.of("app", "web")));
    CgroupIsolation first = cluster.awaitReady("web");

    cluster.edit(
        "web",
        i -> {
          i.getSpec().podSelector = new PodSelector(Map.of("app", "nothing-has-this"), null);
          return i;
        });
    CgroupIsolation empty = cluster.awaitReadyAfter(first, i -> true);

    assertThat(IsolationConditions.condition(empty, "Ready").orElseThrow().getReason())
        .isEqualTo("NoMatchingPods");
    assertThat(empty.getStatus().matched).isZero();
    seesTheHostViewAgain(pod, cluster.seenBy(pod), before);
    assertThat(cluster.revertRecords()).isEmpty();
  }

  @Test
  void aPodRelabelledOutOfTheSelectorIsReverted() {
    E2ePod kept = cluster.startPod("web-0", Map.of("app", "web"));
    E2ePod relabelled = cluster.startPod("web-1", Map.of("app", "web"));
    ContainerView before = cluster.seenBy(relabelled);
    cluster.apply(Isolations.selecting("web", Map.of("app", "web")));
    cluster.awaitReady("web");

    cluster
        .client()
        .pods()
        .inNamespace(cluster.namespace())
        .withName(relabelled.name())
        .edit(
            p -> {
              p.getMetadata().getLabels().put("app", "batch");
              return p;
            });
    CgroupIsolation narrowed =
        cluster.awaitIsolation(
            "web",
            i ->
                IsolationConditions.readyForCurrentGeneration(i)
                    && Integer.valueOf(1).equals(i.getStatus().matched));

    assertThat(narrowed.getStatus().isolated).isEqualTo(1);
    seesTheHostViewAgain(relabelled, cluster.seenBy(relabelled), before);
    assertThat(resultFor(cluster.nodeObject("web"), kept).phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(cluster.revertRecords())
        .singleElement()
        .satisfies(
            r -> assertThat(r.getFileName().toString()).startsWith(kept.container().pid() + "-"));
  }
}
