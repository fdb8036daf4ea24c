package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.ops.AgentMetrics.EventResult;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scale budget "API writes per isolated container average at most one", counted (not timed):
 * every status patch and every Event write the agent sends to the API server is a write.
 */
class ApiWriteBudgetTest {
  private final DaemonFixture fx = new DaemonFixture();

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void thirtyContainersArrivingTogetherCostFewerWritesThanContainers() {
    int count = 30;
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = containerId();
      fx.engine.start(id);
      pods.add(fx.create(runningPod("team", "pod-" + i, NODE, id)));
    }
    CgroupIsolationNode object =
        fx.create(nodeObject("team", "iso-node-a", NODE, pods.toArray(Pod[]::new)));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == count);
    awaitEventDecisions(count);

    int statusWrites = fx.api.statusPatches();
    int eventWrites = fx.api.eventWrites();
    double perContainer = (statusWrites + eventWrites) / (double) count;
    System.out.printf(
        "%d containers at once: %d status writes + %d event writes = %.2f writes per container%n",
        count, statusWrites, eventWrites, perContainer);
    assertThat(statusWrites).isLessThanOrEqualTo(2);
    assertThat(eventWrites).isPositive().isLessThan(count);
    assertThat(perContainer).isLessThanOrEqualTo(1.0);
  }

  @Test
  void podsArrivingOneAtATimeCostAFewWritesEach() {
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE));
    fx.start();
    int count = 6;
    for (int i = 1; i <= count; i++) {
      String id = containerId();
      fx.engine.start(id);
      Pod pod = fx.create(runningPod("team", "pod-" + i, NODE, id));
      // As the operator does: the new pod is added to the node object's instructions.
      fx.editSpec(
          object,
          spec ->
              spec.pods.add(
                  new PodTarget(pod.getMetadata().getName(), pod.getMetadata().getUid())));
      int isolated = i;
      fx.awaitStatus(object, o -> o.getStatus().summary.isolated == isolated);
      awaitEventDecisions(i);
    }
    int writes = fx.api.statusPatches() + fx.api.eventWrites();
    double perContainer = writes / (double) count;
    System.out.printf(
        "%d containers one at a time: %d status writes + %d event writes = %.2f per container%n",
        count, fx.api.statusPatches(), fx.api.eventWrites(), perContainer);
    assertThat(perContainer).isLessThanOrEqualTo(4.0);
  }

  /** Waits until the agent decided on this many events (sent, failed or limited). */
  private void awaitEventDecisions(int count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              double decided = 0;
              for (EventResult result : EventResult.values()) {
                Counter counter =
                    fx.registry
                        .find("cgroupns.agent.events")
                        .tag("result", result.name())
                        .counter();
                decided += counter == null ? 0 : counter.count();
              }
              return decided >= count;
            });
  }
}
