package dev.cgroupns.operator.status;

import static dev.cgroupns.operator.testing.NodeObjects.object;
import static dev.cgroupns.operator.testing.NodeObjects.reported;
import static dev.cgroupns.operator.testing.NodeObjects.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.NodeSummary;
import dev.cgroupns.operator.targets.ResolvedPod;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static ResolvedPod pod(String name, String... containers) {
    return new ResolvedPod(name, "uid-" + name, List.of(containers));
  }

  private static SortedMap<String, List<ResolvedPod>> desired(Object... nodeAndPods) {
    SortedMap<String, List<ResolvedPod>> map = new TreeMap<>();
    for (int i = 0; i < nodeAndPods.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<ResolvedPod> pods = (List<ResolvedPod>) nodeAndPods[i + 1];
      map.put((String) nodeAndPods[i], pods);
    }
    return map;
  }

  @Test
  void countsEachPhaseAgainstWhatTheOperatorAskedFor() {
    var wanted =
        desired(
            "node-a", List.of(pod("web-1", "app", "sidecar"), pod("web-2", "app")),
            "node-b", List.of(pod("web-3", "app")));
    CgroupIsolationNode a = reported(object("node-a", 3), 3);
    result(a, "web-1", "uid-web-1", "app", ContainerPhase.Isolated);
    result(a, "web-1", "uid-web-1", "sidecar", ContainerPhase.AlreadyPrivate);
    result(a, "web-2", "uid-web-2", "app", ContainerPhase.Failed);
    // A result for a pod no longer targeted does not count.
    result(a, "gone", "uid-gone", "app", ContainerPhase.Isolated);
    CgroupIsolationNode b = reported(object("node-b", 1), 1);
    result(b, "web-3", "uid-web-3", "app", ContainerPhase.WouldChange);

    Aggregate aggregate = StatusAggregator.aggregate(wanted, List.of(a, b));
    CgroupIsolationStatus status = aggregate.status();

    assertThat(status.matched).isEqualTo(4);
    assertThat(status.isolated).isEqualTo(1);
    assertThat(status.alreadyPrivate).isEqualTo(1);
    assertThat(status.failed).isEqualTo(1);
    assertThat(status.wouldChange).isEqualTo(1);
    assertThat(status.pending).isZero();
    assertThat(status.nodeCount).isEqualTo(2);
    assertThat(aggregate.nodesNotReporting()).isZero();
    assertThat(status.problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.node).isEqualTo("node-a");
              assertThat(p.pod).isEqualTo("web-2");
              assertThat(p.container).isEqualTo("app");
              assertThat(p.reason).isEqualTo(StatusAggregator.REASON_ISOLATION_FAILED);
            });
  }

  @Test
  void unreportedContainersArePending() {
    var wanted = desired("node-a", List.of(pod("web-1", "app", "sidecar")));
    CgroupIsolationNode a = reported(object("node-a", 1), 1);
    result(a, "web-1", "uid-web-1", "app", ContainerPhase.Isolated);

    Aggregate aggregate = StatusAggregator.aggregate(wanted, List.of(a));

    assertThat(aggregate.status().pending).isEqualTo(1);
    assertThat(aggregate.status().isolated).isEqualTo(1);
  }

  @Test
  void anAgentBehindTheObjectsGenerationIsNotReporting() {
    var wanted =
        desired("node-a", List.of(pod("web-1", "app")), "node-b", List.of(pod("web-2", "app")));
    CgroupIsolationNode stale = reported(object("node-a", 2), 1);
    result(stale, "web-1", "uid-web-1", "app", ContainerPhase.Isolated);
    CgroupIsolationNode never = object("node-b", 1);

    Aggregate aggregate = StatusAggregator.aggregate(wanted, List.of(stale, never));

    assertThat(aggregate.status().pending).isEqualTo(2);
    assertThat(aggregate.status().isolated).isZero();
    assertThat(aggregate.nodesNotReporting()).isEqualTo(2);
    assertThat(aggregate.status().nodes).allMatch(n -> Boolean.FALSE.equals(n.agentReporting));
  }

  @Test
  void eachNodeSaysWhetherItsContainersAreBornIsolatedAsItsAgentSays() {
    var wanted =
        desired(
            "node-a", List.of(pod("web-1", "app")),
            "node-b", List.of(pod("web-2", "app")),
            "node-c", List.of(pod("web-3", "app")),
            "node-d", List.of(pod("web-4", "app")));
    CgroupIsolationNode a = reported(object("node-a", 1), 1);
    a.getStatus().atCreation = new AtCreationState(true, null);
    CgroupIsolationNode b = reported(object("node-b", 1), 1);
    b.getStatus().atCreation = new AtCreationState(false, "the runtime refused");
    CgroupIsolationNode c = reported(object("node-c", 1), 1);
    // An agent behind the object's generation: what it said is not current.
    CgroupIsolationNode d = reported(object("node-d", 2), 1);
    d.getStatus().atCreation = new AtCreationState(true, null);

    Aggregate aggregate = StatusAggregator.aggregate(wanted, List.of(a, b, c, d));

    assertThat(aggregate.status().nodes)
        .extracting(n -> n.node + " " + n.isolatesAtCreation)
        .containsExactlyInAnyOrder("node-a true", "node-b false", "node-c null", "node-d null");
  }

  @Test
  void aResultForARecreatedPodOfTheSameNameDoesNotCount() {
    var wanted = desired("node-a", List.of(new ResolvedPod("db-0", "uid-new", List.of("db"))));
    CgroupIsolationNode a = reported(object("node-a", 1), 1);
    result(a, "db-0", "uid-old", "db", ContainerPhase.Isolated);
    assertThat(StatusAggregator.aggregate(wanted, List.of(a)).status().pending).isEqualTo(1);
  }

  @Test
  void objectsForNodesWithoutTargetsCountAsReverting() {
    CgroupIsolationNode leftover = reported(object("node-z", 2), 1);
    Aggregate aggregate = StatusAggregator.aggregate(new TreeMap<>(), List.of(leftover));
    assertThat(aggregate.nodesReverting()).isEqualTo(1);
    assertThat(aggregate.status().matched).isZero();
    assertThat(aggregate.status().nodes).isEmpty();
  }

  @Test
  void nodeListIsBoundedWorstFirst() {
    SortedMap<String, List<ResolvedPod>> wanted = new TreeMap<>();
    List<CgroupIsolationNode> observed = new ArrayList<>();
    int nodes = CgroupIsolationStatus.MAX_NODES + 30;
    for (int i = 0; i < nodes; i++) {
      String node = String.format("node-%03d", i);
      wanted.put(node, List.of(pod("p" + i, "app")));
      CgroupIsolationNode object = object(node, 1);
      if (i == 70) {
        observed.add(object); // silent agent: pending
      } else {
        reported(object, 1);
        result(
            object,
            "p" + i,
            "uid-p" + i,
            "app",
            i == 75 ? ContainerPhase.Failed : ContainerPhase.Isolated);
        observed.add(object);
      }
    }

    CgroupIsolationStatus status = StatusAggregator.aggregate(wanted, observed).status();

    assertThat(status.nodes).hasSize(CgroupIsolationStatus.MAX_NODES);
    assertThat(status.nodesOmitted).isEqualTo(30);
    assertThat(status.nodeCount).isEqualTo(nodes);
    assertThat(status.nodes).extracting(n -> n.node).startsWith("node-075", "node-070", "node-000");
    NodeSummary worst = status.nodes.get(0);
    assertThat(worst.failed).isEqualTo(1);
    assertThat(status.nodes.get(1).pending).isEqualTo(1);
    assertThat(status.isolated).isEqualTo(nodes - 2);
  }

  @Test
  void problemListIsBoundedNewestFirst() {
    List<ResolvedPod> pods = new ArrayList<>();
    CgroupIsolationNode object = reported(object("node-a", 1), 1);
    int failures = CgroupIsolationStatus.MAX_PROBLEMS + 5;
    for (int i = 0; i < failures; i++) {
      String name = String.format("p%02d", i);
      pods.add(pod(name, "app"));
      result(object, name, "uid-" + name, "app", ContainerPhase.Failed);
      object.getStatus().containers.get(i).lastTransitionTime =
          String.format("2026-01-01T00:00:%02dZ", i);
      object.getStatus().containers.get(i).message = "x".repeat(2000);
    }

    CgroupIsolationStatus status =
        StatusAggregator.aggregate(desired("node-a", pods), List.of(object)).status();

    assertThat(status.problems).hasSize(CgroupIsolationStatus.MAX_PROBLEMS);
    assertThat(status.problemsOmitted).isEqualTo(5);
    assertThat(status.problems.get(0).pod).isEqualTo(String.format("p%02d", failures - 1));
    assertThat(status.problems).allMatch(p -> p.message.length() <= 1024);
    assertThat(status.failed).isEqualTo(failures);
  }
}
