package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Audit first, then Enforce, as the samples suggest: Audit reports, per container, the exposure it
 * sees and changes nothing; switching the same resource to Enforce isolates.
 */
class AuditModeTest extends ClusterPerTest {
  @Test
  void auditReportsTheExposureAndChangesNothingThenEnforceIsolates() {
    List<E2ePod> pods = cluster.startPods("web", 2, WEB);
    Map<E2ePod, ContainerView> before =
        Map.of(pods.get(0), cluster.seenBy(pods.get(0)), pods.get(1), cluster.seenBy(pods.get(1)));
    CgroupIsolation audit = Isolations.selecting("web", WEB);
    audit.getSpec().mode = IsolationMode.Audit;
    cluster.apply(audit);

    CgroupIsolation audited = cluster.awaitReady("web");

    assertThat(IsolationConditions.condition(audited, "Ready").orElseThrow().getReason())
        .isEqualTo("AuditComplete");
    assertThat(List.of(audited.getStatus().matched, audited.getStatus().wouldChange))
        .containsExactly(2, 2);
    assertThat(audited.getStatus().isolated).isZero();
    CgroupIsolationNode object = cluster.nodeObject("web");
    for (E2ePod pod : pods) {
      ContainerResult result = resultFor(object, pod);
      assertThat(result.phase).isEqualTo(ContainerPhase.WouldChange);
      // The report is the container's real, exposed view: the host's tree, writable.
      ContainerView seen = cluster.seenBy(pod);
      statusShowsWhatTheContainerSees(result, seen);
      assertThat(result.view.mounts).anySatisfy(m -> assertThat(m.exposesMore).isTrue());
      seesTheHostViewAgain(pod, seen, before.get(pod));
    }
    assertThat(cluster.revertRecords()).isEmpty();

    cluster.edit(
        "web",
        i -> {
          i.getSpec().mode = IsolationMode.Enforce;
          return i;
        });
    CgroupIsolation enforced = cluster.awaitReadyAfter(audited, i -> true);

    assertThat(IsolationConditions.condition(enforced, "Ready").orElseThrow().getReason())
        .isEqualTo("Isolated");
    assertThat(enforced.getStatus().isolated).isEqualTo(2);
    assertThat(enforced.getStatus().wouldChange).isZero();
    CgroupIsolationNode after = cluster.nodeObject("web");
    for (E2ePod pod : pods) {
      ContainerView seen = cluster.seenBy(pod);
      seesOnlyItsOwnSubtree(pod, seen, before.get(pod));
      statusShowsWhatTheContainerSees(resultFor(after, pod), seen);
    }
  }
}
