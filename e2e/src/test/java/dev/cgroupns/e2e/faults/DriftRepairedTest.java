package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import dev.cgroupns.testbed.runc.CommandRunner;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Someone undoes the isolation from inside the container: the privileged container mounts its
 * cgroup hierarchy again, which (in the host's cgroup namespace, where privileged pods stay) shows
 * the host's whole tree. The agent's periodic check must notice, isolate the container again, keep
 * the status true and say so with a DriftRepaired Event; deleting the CgroupIsolation must still
 * leave the container as it started.
 */
class DriftRepairedTest {
  private static final Map<String, String> LABELS = Map.of("fault", "drift");

  @Test
  void aContainerThatRemountsTheHostHierarchyIsIsolatedAgainAndTheEventSaysSo() throws Exception {
    // The agent as a process with a short resync, so its periodic check runs within the test.
    try (E2eCluster cluster =
        E2eCluster.start(new AgentProcessControlPlane(Duration.ofSeconds(30)))) {
      AgentLogs.onFailure(cluster, () -> remountAndWatchTheRepair(cluster));
    }
  }

  private static void remountAndWatchTheRepair(E2eCluster cluster) {
    E2ePod pod = cluster.startPod("drift-0", LABELS);
    ContainerView before = cluster.seenBy(pod);
    cluster.apply(Isolations.selecting("drift", LABELS));
    cluster.awaitReady("drift");
    CgroupMount pids = pidsMount(cluster.seenBy(pod));
    assertThat(pids.root()).isEqualTo(pod.cgroupPath());

    // Only the container's mount namespace is entered: the mounts change there, never on the
    // host. The isolated mount goes first: the kernel refuses the same hierarchy mounted on its
    // own root again. The programs are the container's own (busybox), found in its root.
    CommandRunner.run(
        List.of(
            "nsenter",
            "--target",
            Integer.toString(pod.container().pid()),
            "--mount",
            "--",
            "sh",
            "-c",
            "umount \"$0\" && mount -t cgroup -o pids cgroup \"$0\"",
            pids.mountPoint()));
    assertThat(pidsMount(cluster.seenBy(pod)).root())
        .as("the container sees the host's pids hierarchy after its own mount")
        .isEqualTo("/");

    Event repaired =
        E2eCluster.waiting("a DriftRepaired Event on the pod")
            .until(
                () ->
                    cluster.eventsAbout(cluster.podObject(pod)).stream()
                        .filter(e -> "DriftRepaired".equals(e.getReason()))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(repaired.getType()).isEqualTo("Warning");
    CgroupMount repairedPids = pidsMount(cluster.seenBy(pod));
    assertThat(repairedPids.root()).isEqualTo(pod.cgroupPath());
    assertThat(repairedPids.access()).isEqualTo("ro");
    assertThat(cluster.seenBy(pod).cgroupMounts())
        .allSatisfy(m -> assertThat(m.root()).isEqualTo(pod.cgroupPath()));
    assertThat(cluster.nodeObject("drift").getStatus().containers)
        .singleElement()
        .satisfies(r -> assertThat(r.phase).isEqualTo(ContainerPhase.Isolated));
    assertThat(cluster.awaitReady("drift").getStatus().isolated).isEqualTo(1);

    cluster.delete("drift");
    cluster.awaitGone("drift");
    ContainerView after = cluster.seenBy(pod);
    assertThat(pidsMount(after).root()).isEqualTo("/");
    assertThat(after.cgroupMounts())
        .extracting(CgroupMount::mountPoint)
        .containsExactlyInAnyOrderElementsOf(
            before.cgroupMounts().stream().map(CgroupMount::mountPoint).toList());
    assertThat(cluster.revertRecords()).isEmpty();
  }

  private static CgroupMount pidsMount(ContainerView view) {
    return view.cgroupMounts().stream()
        .filter(m -> m.mountPoint().endsWith("/pids"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pids mount in " + view.cgroupMounts()));
  }
}
