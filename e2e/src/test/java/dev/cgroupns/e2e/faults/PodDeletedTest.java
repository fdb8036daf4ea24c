package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pods are deleted (container gone, then the Pod object, as kubelet does it) while the agent
 * isolates them. The status must drop them without a lingering error, and the agent must not keep
 * revert records for containers that no longer exist.
 */
class PodDeletedTest {

  private static final int PODS = 8;
  private static final Map<String, String> LABELS = Map.of("fault", "pod-deleted");

  @Test
  void podsDeletedDuringIsolationLeaveNoErrorAndNoRecordBehind() throws Exception {
    try (E2eCluster cluster =
        E2eCluster.start(new AgentProcessControlPlane(Duration.ofSeconds(30)))) {
      AgentLogs.onFailure(cluster, () -> deleteWhileIsolating(cluster));
    }
  }

  private static void deleteWhileIsolating(E2eCluster cluster) throws Exception {
    List<E2ePod> pods = cluster.startPods("doomed", PODS, LABELS);
    Map<String, List<CgroupMount>> original = Mounts.of(cluster, pods);
    // The first and the last pod: the agent may have reached one of them, but not both.
    List<E2ePod> deleted = List.of(pods.get(0), pods.get(PODS - 1));
    List<E2ePod> kept = pods.subList(1, PODS - 1);

    cluster.apply(Isolations.selecting("doomed", LABELS));
    await("the agent's first revert record")
        .atMost(E2eCluster.WAIT)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> !cluster.revertRecords().isEmpty());
    deleted.forEach(cluster::deletePod);

    CgroupIsolation ready =
        cluster.awaitIsolation(
            "doomed",
            i ->
                dev.cgroupns.e2e.harness.IsolationConditions.readyForCurrentGeneration(i)
                    && Integer.valueOf(kept.size()).equals(i.getStatus().matched));
    assertThat(ready.getStatus().isolated).isEqualTo(kept.size());
    assertThat(ready.getStatus().failed).isZero();
    assertThat(ready.getStatus().pending).isZero();
    assertThat(ready.getStatus().problems).isEmpty();
    List<ContainerResult> results =
        cluster
            .awaitNodeStatus("doomed", o -> o.getStatus().containers.size() == kept.size())
            .getStatus()
            .containers;
    assertThat(results)
        .extracting(r -> r.pod)
        .containsExactlyInAnyOrderElementsOf(kept.stream().map(E2ePod::name).toList());
    assertThat(results).allMatch(r -> r.phase == ContainerPhase.Isolated);
    assertThat(Mounts.states(cluster, kept, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ISOLATED));
    // A revert record of a container that is gone is swept (at the agent's next resync), so the
    // state directory holds exactly the kept containers' records.
    E2eCluster.waiting("revert records of the deleted containers to be swept")
        .atMost(E2eCluster.WAIT)
        .until(() -> cluster.revertRecords().size() == kept.size());
    assertThat(cluster.revertRecords())
        .allSatisfy(
            record ->
                assertThat(deleted)
                    .noneMatch(
                        p ->
                            record.getFileName().toString().startsWith(p.container().pid() + "-")));

    cluster.delete("doomed");
    cluster.awaitGone("doomed");
    assertThat(Mounts.states(cluster, kept, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ORIGINAL));
    assertThat(cluster.revertRecords()).isEmpty();
    assertThat(cluster.hostMountsUnchanged()).isTrue();
  }
}
