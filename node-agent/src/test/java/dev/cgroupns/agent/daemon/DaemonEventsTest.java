package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.api.PodEventWriter;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.events.ContainerEvents;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Events the daemon records on pods, against the CRUD mock API server. */
class DaemonEventsTest {
  private final DaemonFixture fx = new DaemonFixture();

  @AfterEach
  void close() {
    fx.close();
  }

  private List<Event> events(String reason) {
    return fx.api.client().v1().events().inNamespace("team").list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private Event awaitEvent(String reason) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events(reason), list -> !list.isEmpty())
        .get(0);
  }

  @Test
  void isolatingAContainerRecordsOneEventOnItsPodAndReVerifyingRecordsNone() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    Event event = awaitEvent(ContainerEvents.ISOLATED);
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("a");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(a.getMetadata().getUid());
    assertThat(event.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{c0}");
    assertThat(event.getReportingComponent()).isEqualTo(PodEventWriter.COMPONENT);
    assertThat(event.getReportingInstance()).isEqualTo(NODE);
    assertThat(event.getSource().getHost()).isEqualTo(NODE);
    assertThat(event.getMessage()).contains("container c0", "iso-node-a");

    fx.verifyAllNow();
    fx.verifyAllNow();
    assertThat(fx.api.eventWrites()).isEqualTo(1);
  }

  @Test
  void driftFailureAndRevertAreRecordedOnceEach() {
    String a0 = containerId();
    String b0 = containerId();
    fx.engine.start(a0);
    fx.engine.start(b0);
    fx.engine.failNextCall(b0, FailureReason.Refused);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    Pod b = fx.create(runningPod("team", "b", NODE, b0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a, b));
    fx.start();
    // b failed once; the pass that follows the status write isolates it.
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 2);
    Event failed = awaitEvent(ContainerEvents.ISOLATION_FAILED);
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getInvolvedObject().getName()).isEqualTo("b");
    assertThat(failed.getMessage()).contains("Refused");

    fx.engine.remountBehindTheAgentsBack(a0);
    fx.verifyAllNow();
    assertThat(awaitEvent(ContainerEvents.DRIFT_REPAIRED).getInvolvedObject().getName())
        .isEqualTo("a");

    fx.editSpec(object, spec -> spec.action = NodeAction.Revert);
    fx.awaitStatus(object, o -> o.getStatus().summary.reverted == 2);
    awaitEvent(ContainerEvents.REVERTED);
    fx.verifyAllNow();

    // b: failed, then isolated by the verifying pass, then reverted.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events(ContainerEvents.REVERTED).size() == 2);
    assertThat(events(ContainerEvents.ISOLATION_FAILED)).hasSize(1);
    assertThat(events(ContainerEvents.DRIFT_REPAIRED)).hasSize(1);
  }

  @Test
  void anEventApiThatFailsOrHangsNeitherFailsNorHoldsUpIsolation() {
    fx.api.failEventWrites(500);
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> fx.registry.find("cgroupns.agent.events").tag("result", "Failed").counter(),
            c -> c != null && c.count() >= 1);

    // An API server that does not answer Event writes: the next container is still isolated
    // and reported, while the event sender waits out its request timeout.
    fx.api.failEventWrites(0);
    String b0 = containerId();
    fx.engine.start(b0);
    Pod b = fx.create(runningPod("team", "b", NODE, b0));
    fx.editSpec(object, spec -> spec.pods.add(new PodTarget("b", b.getMetadata().getUid())));
    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 2);

    assertThat(done.getStatus().containers)
        .extracting(r -> r.phase)
        .containsOnly(ContainerPhase.Isolated);
    assertThat(fx.api.eventWrites()).isZero();
  }
}
