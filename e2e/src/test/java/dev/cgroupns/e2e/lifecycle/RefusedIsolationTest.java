package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

/**
 * A CgroupIsolation the schema accepts but the cluster forbids (read-write mounts, which the
 * operator's setting does not permit): Stalled with the reason where the user looks, a Warning
 * Event, and nothing applied to any container.
 */
class RefusedIsolationTest extends ClusterPerTest {
  @Test
  void readWriteWithoutTheClusterSettingIsStalledWarnedAndChangesNothing() {
    E2ePod pod = cluster.startPod("web-0", WEB);
    ContainerView before = cluster.seenBy(pod);
    CgroupIsolation readWrite = Isolations.selecting("web", WEB);
    readWrite.getSpec().readOnly = false;
    readWrite.getSpec().readWriteReason = "systemd inside manages its own sub-cgroups";
    cluster.apply(readWrite);

    CgroupIsolation stalled = cluster.awaitStalled("web");

    Condition condition = IsolationConditions.condition(stalled, "Stalled").orElseThrow();
    assertThat(condition.getReason()).isEqualTo("ReadWriteNotPermitted");
    assertThat(IsolationConditions.condition(stalled, "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    assertThat(cluster.eventsAbout(stalled))
        .filteredOn(e -> "ReadWriteNotPermitted".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).isEqualTo(condition.getMessage());
            });
    // Nothing reached the node: no instructions, no change in the container, no record.
    assertThat(cluster.nodeObjects("web")).isEmpty();
    seesTheHostViewAgain(pod, cluster.seenBy(pod), before);
    assertThat(cluster.revertRecords()).isEmpty();
  }
}
