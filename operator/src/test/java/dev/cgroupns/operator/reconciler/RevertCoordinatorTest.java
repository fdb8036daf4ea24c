package dev.cgroupns.operator.reconciler;

import static dev.cgroupns.operator.testing.NodeObjects.object;
import static dev.cgroupns.operator.testing.NodeObjects.reported;
import static dev.cgroupns.operator.testing.NodeObjects.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.NodeAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevertCoordinatorTest {
  private static CgroupIsolationNode revert(String node, long generation) {
    CgroupIsolationNode object = object(node, generation);
    object.getSpec().action = NodeAction.Revert;
    return object;
  }

  @Test
  void aNodeIsConfirmedOnlyByARevertReportWithNothingIsolatedLeft() {
    CgroupIsolationNode stillApply = reported(object("node-a", 1), 1);
    CgroupIsolationNode notYetActed = reported(revert("node-b", 2), 1);
    CgroupIsolationNode stillIsolated = reported(revert("node-c", 2), 2);
    result(stillIsolated, "web-1", "uid", "app", ContainerPhase.Isolated);
    CgroupIsolationNode confirmed = reported(revert("node-d", 2), 2);
    result(confirmed, "web-2", "uid", "app", ContainerPhase.Reverted);
    CgroupIsolationNode gone = revert("node-gone", 2);

    assertThat(
            RevertCoordinator.unconfirmedNodes(
                List.of(stillApply, notYetActed, stillIsolated, confirmed, gone),
                Set.of("node-a", "node-b", "node-c", "node-d")))
        .containsExactly("node-a", "node-b", "node-c");
  }

  @Test
  void namesAtMostTwentyNodes() {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      nodes.add("node-" + i);
    }
    assertThat(RevertCoordinator.namesOf(nodes)).endsWith("node-19 and 5 more");
    assertThat(RevertCoordinator.namesOf(List.of("a", "b"))).isEqualTo("a, b");
  }
}
