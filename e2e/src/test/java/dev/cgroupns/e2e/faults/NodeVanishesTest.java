package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's agent goes silent, then the node leaves the cluster. Deletion of a CgroupIsolation
 * waits for a silent agent only up to the revert timeout and says so; for a node that is gone it
 * does not wait at all; and what the silent agent left isolated is reverted by the agent itself
 * once it is back, although it never saw the deletion.
 */
class NodeVanishesTest {

  /** Short, so the test does not wait the production two minutes. */
  private static final Duration REVERT_TIMEOUT = Duration.ofSeconds(5);

  private static final Map<String, String> LABELS = Map.of("fault", "node-vanishes");

  @Test
  void deletionIsNeverBlockedByAMissingAgentOrNodeAndTheStatusSaysWhy() throws Exception {
    try (E2eCluster cluster = E2eCluster.start(new AgentProcessControlPlane(REVERT_TIMEOUT))) {
      AgentLogs.onFailure(cluster, () -> agentThenNodeVanish(cluster));
    }
  }

  private static void agentThenNodeVanish(E2eCluster cluster) throws Exception {
    List<E2ePod> pods = cluster.startPods("vanish", 2, LABELS);
    Map<String, List<CgroupMount>> original = Mounts.of(cluster, pods);

    // 1. The agent is stopped; its node stays. Deletion waits for it, saying so, then gives up.
    CgroupIsolation silent = cluster.apply(Isolations.selecting("silent", LABELS));
    cluster.awaitReady("silent");
    cluster.stopAgent();
    cluster.delete("silent");
    cluster.awaitIsolation(
        "silent",
        i ->
            IsolationConditions.condition(i, "Reconciling")
                .filter(c -> "True".equals(c.getStatus()))
                .filter(c -> "Reverting".equals(c.getReason()))
                .filter(c -> c.getMessage().contains(E2eCluster.NODE))
                .isPresent());
    cluster.awaitGone("silent");
    List<Event> events = cluster.eventsAbout(silent);
    assertThat(events)
        .filteredOn(e -> "RevertUnconfirmed".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"))
        .satisfies(e -> assertThat(e.getMessage()).contains(E2eCluster.NODE));
    assertThat(events).noneMatch(e -> "Reverted".equals(e.getReason()));
    // As the event warns: nobody reverted them while the agent was away, and nothing pretends so.
    assertThat(Mounts.states(cluster, pods, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ISOLATED));
    assertThat(cluster.revertRecords()).hasSize(pods.size());

    // 2. The agent is back. It never saw the node object's deletion, but its revert records name
    // an object that no longer exists: it reverts those containers and says so on each pod.
    cluster.startAgent();
    E2eCluster.waiting("the returning agent to revert what the deleted isolation left")
        .until(
            () ->
                Mounts.states(cluster, pods, original).values().stream()
                        .allMatch(MountState.ORIGINAL::equals)
                    && cluster.revertRecords().isEmpty());
    for (E2ePod pod : pods) {
      E2eCluster.waiting("a Reverted event on " + pod.name())
          .until(
              () -> cluster.eventsAbout(cluster.podObject(pod)),
              list -> list.stream().anyMatch(e -> "Reverted".equals(e.getReason())));
    }

    // Nothing is stuck: the containers can be isolated again and put back as they were.
    cluster.apply(Isolations.selecting("again", LABELS));
    CgroupIsolation again = cluster.awaitReady("again");
    assertThat(again.getStatus().isolated).isEqualTo(pods.size());
    cluster.delete("again");
    cluster.awaitGone("again");
    assertThat(Mounts.states(cluster, pods, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ORIGINAL));
    assertThat(cluster.revertRecords()).isEmpty();

    // 3. The node leaves the cluster (agent gone with it): the operator stops waiting for it.
    CgroupIsolation gone = cluster.apply(Isolations.selecting("gone", LABELS));
    cluster.awaitReady("gone");
    cluster.stopAgent();
    cluster.client().nodes().withName(E2eCluster.NODE).delete();
    CgroupIsolation after =
        cluster.awaitIsolation(
            "gone",
            i ->
                IsolationConditions.readyForCurrentGeneration(i)
                    && Integer.valueOf(0).equals(i.getStatus().nodeCount)
                    && cluster.nodeObjects("gone").isEmpty());
    assertThat(after.getStatus().matched).isZero();
    assertThat(after.getStatus().isolated).isZero();
    assertThat(after.getStatus().nodes).isEmpty();
    cluster.delete("gone");
    cluster.awaitGone("gone");
    assertThat(cluster.eventsAbout(gone)).noneMatch(e -> "RevertUnconfirmed".equals(e.getReason()));
    assertThat(cluster.hostMountsUnchanged()).isTrue();
  }
}
