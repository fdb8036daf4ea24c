package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What happens while the operator is down is picked up when it is back: a spec change converges
 * (the deselected pod is reverted) and a deletion still reverts and releases the finalizer. The
 * containers stay as they were meanwhile.
 */
class OperatorRestartTest extends ClusterPerTest {
  @Test
  void changesMadeWhileTheOperatorIsDownConvergeWhenItIsBack() throws Exception {
    E2ePod kept = cluster.startPod("web-a", Map.of("app", "web", "tier", "a"));
    E2ePod dropped = cluster.startPod("web-b", Map.of("app", "web", "tier", "b"));
    ContainerView keptBefore = cluster.seenBy(kept);
    ContainerView droppedBefore = cluster.seenBy(dropped);
    cluster.apply(Isolations.selecting("web", Map.of("app", "web")));
    CgroupIsolation first = cluster.awaitReady("web");

    cluster.stopOperator();
    cluster.edit(
        "web",
        i -> {
          i.getSpec().podSelector = new PodSelector(Map.of("app", "web", "tier", "a"), null);
          return i;
        });
    // Nobody has acted on the new generation yet: both containers are still isolated.
    seesOnlyItsOwnSubtree(dropped, cluster.seenBy(dropped), droppedBefore);
    cluster.startOperator();

    CgroupIsolation narrowed =
        cluster.awaitReadyAfter(first, i -> Integer.valueOf(1).equals(i.getStatus().matched));
    assertThat(narrowed.getStatus().isolated).isEqualTo(1);
    seesTheHostViewAgain(dropped, cluster.seenBy(dropped), droppedBefore);
    seesOnlyItsOwnSubtree(kept, cluster.seenBy(kept), keptBefore);

    cluster.stopOperator();
    cluster.delete("web");
    // The finalizer holds the object while nobody can revert.
    assertThat(cluster.isolation("web")).isNotNull();
    cluster.startOperator();
    cluster.awaitGone("web");

    seesTheHostViewAgain(kept, cluster.seenBy(kept), keptBefore);
    assertThat(cluster.nodeObjects("web")).isEmpty();
    assertThat(cluster.revertRecords()).isEmpty();
  }
}
