package dev.cgroupns.operator.reconciler;

import static dev.cgroupns.operator.testing.NodeObjects.reported;
import static dev.cgroupns.operator.testing.NodeObjects.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.operator.testing.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstructionPlanTest {
  private final CgroupIsolation isolation = Fixtures.isolation("team-a", "iso", null);
  private static final Set<String> LIVE = Set.of("node-a", "node-b");

  private CgroupIsolationNode desired(String node, String... pods) {
    return DesiredNodeObjects.nodeObject(
        isolation,
        node,
        java.util.Arrays.stream(pods)
            .map(p -> new PodTarget(p, "00000000-0000-0000-0000-00000000000" + p.length()))
            .toList());
  }

  /** What the API server returns for a desired object: the same spec plus a generation. */
  private CgroupIsolationNode stored(CgroupIsolationNode desired, long generation) {
    desired.getMetadata().setGeneration(generation);
    return desired;
  }

  @Test
  void createsMissingAndRewritesChangedSpecsOnly() {
    CgroupIsolationNode sameOnA = stored(desired("node-a", "web-1"), 1);
    CgroupIsolationNode oldOnB = stored(desired("node-b", "web-2"), 1);

    InstructionPlan plan =
        InstructionPlan.plan(
            isolation,
            List.of(desired("node-a", "web-1"), desired("node-b", "web-2", "web-3")),
            List.of(sameOnA, oldOnB),
            LIVE);

    assertThat(plan.create()).isEmpty();
    assertThat(plan.replaceSpec()).extracting(o -> o.getSpec().nodeName).containsExactly("node-b");
    assertThat(plan.delete()).isEmpty();

    InstructionPlan fresh =
        InstructionPlan.plan(isolation, List.of(desired("node-a", "web-1")), List.of(), LIVE);
    assertThat(fresh.create()).hasSize(1);
  }

  @Test
  void nothingToDoWhenEverythingMatches() {
    InstructionPlan plan =
        InstructionPlan.plan(
            isolation,
            List.of(desired("node-a", "web-1")),
            List.of(stored(desired("node-a", "web-1"), 3)),
            LIVE);
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void aNodeWithoutTargetsIsEmptiedThenDeletedOnceItsAgentConfirms() {
    CgroupIsolationNode withPods = stored(desired("node-a", "web-1"), 1);
    InstructionPlan first = InstructionPlan.plan(isolation, List.of(), List.of(withPods), LIVE);
    assertThat(first.replaceSpec())
        .singleElement()
        .satisfies(o -> assertThat(o.getSpec().pods).isEmpty());
    assertThat(first.delete()).isEmpty();

    CgroupIsolationNode emptied = stored(desired("node-a"), 2);
    assertThat(InstructionPlan.plan(isolation, List.of(), List.of(emptied), LIVE).isEmpty())
        .as("waits for the agent")
        .isTrue();

    reported(emptied, 2);
    result(emptied, "web-1", "uid", "app", ContainerPhase.Isolated);
    assertThat(InstructionPlan.plan(isolation, List.of(), List.of(emptied), LIVE).isEmpty())
        .as("a container is still isolated")
        .isTrue();

    emptied.getStatus().containers.get(0).phase = ContainerPhase.Reverted;
    assertThat(InstructionPlan.plan(isolation, List.of(), List.of(emptied), LIVE).delete())
        .containsExactly(emptied);
  }

  @Test
  void aNodeThatLeftTheClusterLosesItsObjectAtOnce() {
    CgroupIsolationNode onGoneNode = stored(desired("node-gone", "web-1"), 1);
    assertThat(InstructionPlan.plan(isolation, List.of(), List.of(onGoneNode), LIVE).delete())
        .containsExactly(onGoneNode);
  }
}
