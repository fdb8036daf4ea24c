package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.AgentProcess;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import dev.cgroupns.testbed.kube.faults.Fault;
import dev.cgroupns.testbed.kube.faults.FaultRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The node agent, a real {@code node-agent run} process, is killed with SIGKILL while it isolates
 * 20 containers, then started again, as the DaemonSet's pod would be; once everything is isolated,
 * the CgroupIsolation is deleted and the agent is killed again while it reverts.
 */
class AgentKilledMidWorkTest {

  private static final int PODS = 20;
  private static final Map<String, String> LABELS = Map.of("fault", "agent-killed");
  private static final String NODE_STATUS =
      "/apis/cgroupns.dev/v1alpha1/namespaces/*/cgroupisolationnodes/*/status";

  @Test
  void aRestartedAgentFinishesTheWorkAndTheStatusAndRevertTellTheTruth() throws Exception {
    try (E2eCluster cluster =
        E2eCluster.start(new AgentProcessControlPlane(Duration.ofSeconds(30)))) {
      AgentLogs.onFailure(cluster, () -> killWhileIsolating(cluster));
    }
  }

  private static void killWhileIsolating(E2eCluster cluster) throws Exception {
    List<E2ePod> pods = cluster.startPods("killed", PODS, LABELS);
    Map<String, List<CgroupMount>> original = Mounts.of(cluster, pods);

    // Its status writes fail until it is killed, so the agent dies having changed containers in
    // the kernel but reported none of it: what the restarted agent reports, it found out itself.
    FaultRule unreported =
        cluster
            .faults()
            .add(
                FaultRule.on("PATCH", NODE_STATUS, Fault.error(503))
                    .whenHeader("User-Agent", AgentProcess.USER_AGENT)
                    .always());
    cluster.apply(Isolations.selecting("killed", LABELS));
    // Killed as soon as the first container's mounts change, read from the host's /proc (a runc
    // exec would be too slow to catch the agent in the middle of its work).
    await("the first container's mounts to change")
        .atMost(E2eCluster.WAIT)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () ->
                pods.stream()
                    .anyMatch(p -> Mounts.stateOnHost(p, original) != MountState.ORIGINAL));
    cluster.killAgent();
    int recordsAtKill = cluster.revertRecords().size();
    Map<String, MountState> atKill = Mounts.states(cluster, pods, original);
    System.out.printf(
        "agent killed with %d revert record(s) written; the containers then: %s%n",
        recordsAtKill, count(atKill));
    for (E2ePod pod : pods) {
      if (atKill.get(pod.name()) == MountState.PARTIAL) {
        System.out.println("half-done at the kill: " + pod.name() + " " + Mounts.of(cluster, pod));
      }
    }
    cluster.faults().remove(unreported);
    assertThat(cluster.nodeObject("killed").getStatus())
        .as("the killed agent reported nothing")
        .isNull();

    cluster.startAgent();
    CgroupIsolation ready = cluster.awaitReady("killed");
    assertThat(ready.getStatus().matched).isEqualTo(PODS);
    assertThat(ready.getStatus().isolated).isEqualTo(PODS);
    assertThat(ready.getStatus().failed).isZero();
    assertThat(ready.getStatus().problems).isEmpty();

    // What each container reads itself: fully isolated, none left half-done by the kill.
    for (E2ePod pod : pods) {
      List<CgroupMount> now = Mounts.of(cluster, pod);
      assertThat(MountState.of(original.get(pod.name()), now, pod.cgroupPath()))
          .as("%s's cgroup mounts once the restarted agent is done: %s", pod.name(), now)
          .isEqualTo(MountState.ISOLATED);
    }
    // The status names each container by its current ID and PID, isolated, read-only.
    Map<String, ContainerResult> results =
        cluster.nodeObject("killed").getStatus().containers.stream()
            .collect(Collectors.toMap(r -> r.pod, Function.identity()));
    assertThat(results).hasSize(PODS);
    for (E2ePod pod : pods) {
      ContainerResult result = results.get(pod.name());
      assertThat(result.phase).as(pod.name()).isEqualTo(ContainerPhase.Isolated);
      assertThat(result.containerID).isEqualTo(pod.containerID());
      assertThat(result.pid).isEqualTo((long) pod.container().pid());
      assertThat(result.mountState).isEqualTo(dev.cgroupns.api.v1alpha1.MountState.ReadOnly);
    }
    assertThat(cluster.revertRecords()).hasSize(PODS);

    // Deleted, and the agent killed again as soon as it starts putting the mounts back.
    CgroupIsolation deleted = cluster.isolation("killed");
    cluster.delete("killed");
    await("the first container's mounts to change back")
        .atMost(E2eCluster.WAIT)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () ->
                pods.stream()
                    .anyMatch(p -> Mounts.stateOnHost(p, original) != MountState.ISOLATED));
    cluster.killAgent();
    System.out.printf(
        "agent killed while reverting; the containers then: %s%n",
        count(Mounts.states(cluster, pods, original)));
    cluster.startAgent();
    cluster.awaitGone("killed");
    assertThat(cluster.eventsAbout(deleted))
        .as("the restarted agent confirmed the revert; the finalizer did not time out")
        .anyMatch(e -> "Reverted".equals(e.getReason()))
        .noneMatch(e -> "RevertUnconfirmed".equals(e.getReason()));
    for (E2ePod pod : pods) {
      List<CgroupMount> now = Mounts.of(cluster, pod);
      assertThat(MountState.of(original.get(pod.name()), now, pod.cgroupPath()))
          .as("%s's cgroup mounts after the CgroupIsolation was deleted: %s", pod.name(), now)
          .isEqualTo(MountState.ORIGINAL);
    }
    assertThat(cluster.revertRecords()).isEmpty();
    assertThat(cluster.hostMountsUnchanged()).isTrue();
  }

  private static Map<MountState, Long> count(Map<String, MountState> states) {
    return states.values().stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
