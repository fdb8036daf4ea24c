package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.AgentProcess;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import dev.cgroupns.testbed.runc.MountTableBomb;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hostile containers beside an ordinary one, with the agent a real {@code node-agent run} process
 * under exactly the DaemonSet's JVM flags and malloc settings (its small heap, and
 * -XX:+ExitOnOutOfMemoryError, which would turn any exhausted heap into a crash loop of the node's
 * agent).
 *
 * <ul>
 *   <li>a mount bomb: 65,536 mounts in its own mount namespace. Only the mounts the plan needs are
 *       kept while reading its table, so it is simply isolated;
 *   <li>a cgroupfs bomb: 8,192 copies of a cgroupfs mount. These the plan would need, so it gets a
 *       clear failure of its own, MountTableTooLarge, in status and as an Event;
 *   <li>the neighbour: isolated and, when the isolation is deleted, reverted, as on any node.
 * </ul>
 *
 * The agent process is the same one from start to end: nothing hostile restarted it.
 */
class HostileNeighboursTest {
  private static final Map<String, String> LABELS = Map.of("fault", "hostile");

  @Test
  void hostileContainersGetTheirOwnAnswerAndTheAgentGoesOnServingTheNode() throws Exception {
    try (E2eCluster cluster =
        E2eCluster.start(
            new AgentProcessControlPlane(Duration.ofSeconds(30), AgentProcess.Jvm.daemonSet()))) {
      AgentLogs.onFailure(cluster, () -> hostileNeighbours(cluster));
    }
  }

  private static void hostileNeighbours(E2eCluster cluster) throws Exception {
    E2ePod neighbour = cluster.startPod("neighbour", LABELS);
    E2ePod mountBomb = cluster.startPod("mount-bomb", LABELS);
    E2ePod cgroupBomb = cluster.startPod("cgroupfs-bomb", LABELS);
    fillMountTable(cluster, mountBomb, 16, null);
    fillMountTable(cluster, cgroupBomb, 13, "/sys/fs/cgroup/memory");
    assertThat(mountCount(mountBomb)).isGreaterThanOrEqualTo(1 << 16);
    assertThat(mountCount(cgroupBomb)).isGreaterThanOrEqualTo(1 << 14);
    List<CgroupMount> neighbourBefore = Mounts.of(cluster, neighbour);
    long agentPid = cluster.agentProcess().pid();

    cluster.apply(Isolations.selecting("hostile", LABELS));
    CgroupIsolationNode done =
        cluster.awaitNodeStatus(
            "hostile",
            o ->
                o.getStatus().containers.size() == 3
                    && o.getStatus().containers.stream()
                        .allMatch(
                            r ->
                                r.phase == ContainerPhase.Isolated
                                    || r.phase == ContainerPhase.Failed));

    Map<String, ContainerResult> results =
        done.getStatus().containers.stream()
            .collect(Collectors.toMap(r -> r.pod, Function.identity()));
    assertThat(results.get("neighbour").phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(results.get("mount-bomb").phase)
        .as(results.get("mount-bomb").message)
        .isEqualTo(ContainerPhase.Isolated);
    ContainerResult refused = results.get("cgroupfs-bomb");
    assertThat(refused.phase).isEqualTo(ContainerPhase.Failed);
    assertThat(refused.message).startsWith("MountTableTooLarge: ");
    assertThat(cluster.eventsAbout(cluster.podObject(cgroupBomb)))
        .extracting(Event::getReason)
        .contains("IsolationFailed");
    assertThat(
            MountState.of(neighbourBefore, Mounts.of(cluster, neighbour), neighbour.cgroupPath()))
        .isEqualTo(MountState.ISOLATED);
    assertThat(cluster.agentProcess().pid()).as("the same agent process").isEqualTo(agentPid);
    assertThat(cluster.agentProcess().isAlive()).isTrue();

    cluster.delete("hostile");
    cluster.awaitGone("hostile");
    assertThat(Mounts.of(cluster, neighbour)).isEqualTo(neighbourBefore);
    assertThat(cluster.agentProcess().pid()).isEqualTo(agentPid);
    assertThat(cluster.agentProcess().isAlive()).isTrue();
  }

  /** Fills the container's mount table with its own process ({@link MountTableBomb}). */
  private static void fillMountTable(
      E2eCluster cluster, E2ePod pod, int doublings, String cgroupMount) throws Exception {
    Files.createDirectories(pod.container().rootfs().resolve("bomb"));
    cluster.execAsAdmin(pod, "sh", "-c", MountTableBomb.script(doublings, cgroupMount));
  }

  private static long mountCount(E2ePod pod) throws Exception {
    try (var lines =
        Files.lines(
            java.nio.file.Path.of("/proc", Long.toString(pod.container().pid()), "mountinfo"))) {
      return lines.count();
    }
  }
}
