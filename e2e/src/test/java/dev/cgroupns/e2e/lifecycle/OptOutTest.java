package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import org.junit.jupiter.api.Test;

/**
 * The documented opt-out annotation wins over any selector: an opted-out pod is never isolated, and
 * a pod that opts out later is reverted.
 */
class OptOutTest extends ClusterPerTest {
  @Test
  void anOptedOutPodIsLeftAloneAndOneThatOptsOutLaterIsReverted() {
    E2ePod optedOut = cluster.startPod("web-0", WEB);
    E2ePod later = cluster.startPod("web-1", WEB);
    ContainerView optedOutBefore = cluster.seenBy(optedOut);
    ContainerView laterBefore = cluster.seenBy(later);
    optOut(optedOut);
    cluster.apply(Isolations.selecting("web", WEB));

    CgroupIsolation ready = cluster.awaitReady("web");

    assertThat(ready.getStatus().matched).isEqualTo(1);
    assertThat(ready.getStatus().isolated).isEqualTo(1);
    assertThat(cluster.nodeObject("web").getSpec().pods)
        .extracting(p -> p.name)
        .containsExactly(later.name());
    seesTheHostViewAgain(optedOut, cluster.seenBy(optedOut), optedOutBefore);
    seesOnlyItsOwnSubtree(later, cluster.seenBy(later), laterBefore);

    optOut(later);
    CgroupIsolation none =
        cluster.awaitIsolation(
            "web",
            i ->
                IsolationConditions.readyForCurrentGeneration(i)
                    && Integer.valueOf(0).equals(i.getStatus().matched));

    assertThat(IsolationConditions.condition(none, "Ready").orElseThrow().getReason())
        .isEqualTo("NoMatchingPods");
    seesTheHostViewAgain(later, cluster.seenBy(later), laterBefore);
    assertThat(cluster.revertRecords()).isEmpty();
  }

  private void optOut(E2ePod pod) {
    cluster
        .client()
        .pods()
        .inNamespace(cluster.namespace())
        .withName(pod.name())
        .edit(
            p -> {
              p.getMetadata().getAnnotations().put(ApiGroup.OPT_OUT_ANNOTATION, "true");
              return p;
            });
  }
}
