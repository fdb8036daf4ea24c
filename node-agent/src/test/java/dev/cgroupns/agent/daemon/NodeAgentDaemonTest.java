package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static dev.cgroupns.agent.daemon.TestObjects.runningStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The daemon with the fake engine against the CRUD mock API server. */
class NodeAgentDaemonTest {
  private final DaemonFixture fx = new DaemonFixture();

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void appliesEveryListedContainerAndWritesOneStatusForThePass() {
    String a0 = containerId();
    String a1 = containerId();
    String b0 = containerId();
    fx.engine.start(a0);
    fx.engine.start(a1);
    fx.engine.start(b0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0, a1));
    Pod b = fx.create(runningPod("team", "b", NODE, b0));
    Pod elsewhere = fx.create(runningPod("team", "elsewhere", "node-b", containerId()));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a, b, elsewhere));

    fx.start();
    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 3);

    assertThat(done.getStatus().containers)
        .extracting(r -> r.pod + "/" + r.container, r -> r.phase)
        .containsExactly(
            tuple("a/c0", ContainerPhase.Isolated),
            tuple("a/c1", ContainerPhase.Isolated),
            tuple("b/c0", ContainerPhase.Isolated));
    ContainerResult first = done.getStatus().containers.get(0);
    assertThat(first.containerID).isEqualTo("containerd://" + a0);
    assertThat(first.podUID).isEqualTo(a.getMetadata().getUid());
    assertThat(first.lastTransitionTime).isNotNull();
    assertThat(done.getStatus().agent).isEqualTo(DaemonFixture.AGENT_POD);
    assertThat(done.getStatus().lastVerified).isNotNull();
    assertThat(done.getStatus().summary.matched).isEqualTo(3);
    assertThat(fx.engine.isIsolated(a0) && fx.engine.isIsolated(a1) && fx.engine.isIsolated(b0))
        .isTrue();
    assertThat(fx.engine.readOnly(a0)).isTrue();
    assertThat(fx.api.statusPatches()).isEqualTo(1);
    assertThat(fx.api.podFieldSelectors()).containsExactly("spec.nodeName=" + NODE);

    // Nothing changed: a verifying pass asks the engine again but writes nothing.
    long callsBefore = fx.engine.calls().size();
    fx.verifyAllNow();
    assertThat(fx.engine.calls().size()).isEqualTo(callsBefore + 3);
    assertThat(fx.api.statusPatches()).isEqualTo(1);
  }

  /**
   * Node names may be up to 253 characters, label values only 63: the operator labels the object
   * with the shortened value (api's LabelValues), and the agent must select by that same value.
   */
  @Test
  void aNodeWithAHundredCharacterNameIsServed() {
    String node = "ip-10-0-0-1." + "x".repeat(79) + ".internal";
    assertThat(node).hasSize(100);
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", node, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-long-node", node, a));
    assertThat(object.getMetadata().getLabels().get(ApiGroup.NODE_LABEL))
        .hasSizeLessThanOrEqualTo(63)
        .isEqualTo(LabelValues.ofName(node));

    fx.withNodeName(node).start();

    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    assertThat(done.getStatus().containers.get(0).pod).isEqualTo("a");
    assertThat(fx.engine.isIsolated(a0)).isTrue();
  }

  /**
   * A restarted container is isolated again, whether a pod event asks for the pass or the node
   * showed the new container first (an urgent pass, which runs at once): either way its status,
   * written off the pass thread, reaches the API.
   */
  @ParameterizedTest(name = "urgent pass: {0}")
  @ValueSource(booleans = {false, true})
  void restartedContainerWithANewIdIsIsolatedAgain(boolean urgent) {
    String old = containerId();
    fx.engine.start(old);
    Pod a = fx.create(runningPod("team", "a", NODE, old));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    String restarted = containerId();
    fx.engine.stop(old);
    fx.engine.start(restarted);
    fx.setContainerStatuses(a, runningStatus("c0", restarted));
    if (urgent) {
      fx.daemon().requestUrgent();
    }

    fx.awaitStatus(
        object,
        o ->
            o.getStatus().containers.size() == 1
                && ("containerd://" + restarted).equals(o.getStatus().containers.get(0).containerID)
                && o.getStatus().containers.get(0).phase == ContainerPhase.Isolated);
    assertThat(fx.engine.isIsolated(restarted)).isTrue();
  }

  @Test
  void podThatLeavesTheSelectionIsRevertedAndOneThatIsGoneIsDropped() {
    String a0 = containerId();
    String b0 = containerId();
    String c0 = containerId();
    fx.engine.start(a0);
    fx.engine.start(b0);
    fx.engine.start(c0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    Pod b = fx.create(runningPod("team", "b", NODE, b0));
    Pod c = fx.create(runningPod("team", "c", NODE, c0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a, b, c));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 3);

    fx.editSpec(object, spec -> spec.pods = new ArrayList<>(List.of(target(a), target(c))));
    CgroupIsolationNode deselected =
        fx.awaitStatus(object, o -> o.getStatus().summary.reverted == 1);
    assertThat(deselected.getStatus().containers)
        .extracting(r -> r.pod, r -> r.phase)
        .containsExactly(
            tuple("a", ContainerPhase.Isolated),
            tuple("b", ContainerPhase.Reverted),
            tuple("c", ContainerPhase.Isolated));
    assertThat(deselected.getStatus().summary.matched).isEqualTo(2);
    assertThat(fx.engine.isIsolated(b0)).isFalse();
    assertThat(fx.engine.isIsolated(a0)).isTrue();

    fx.engine.stop(c0);
    fx.delete(c);
    CgroupIsolationNode gone = fx.awaitStatus(object, o -> o.getStatus().containers.size() == 2);
    assertThat(gone.getStatus().containers).extracting(r -> r.pod).containsExactly("a", "b");
  }

  @Test
  void revertActionRevertsEverythingTheObjectIsolated() {
    String a0 = containerId();
    String a1 = containerId();
    fx.engine.start(a0);
    fx.engine.start(a1);
    Pod a = fx.create(runningPod("team", "a", NODE, a0, a1));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 2);

    fx.editSpec(object, spec -> spec.action = NodeAction.Revert);
    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.reverted == 2);
    assertThat(done.getStatus().containers)
        .extracting(r -> r.phase)
        .containsOnly(ContainerPhase.Reverted);
    assertThat(done.getStatus().summary.isolated).isZero();
    assertThat(fx.engine.isIsolated(a0) || fx.engine.isIsolated(a1)).isFalse();
  }

  @Test
  void kubeSystemOptedOutAndTheAgentsOwnPodAreNeverTouched() {
    String system = containerId();
    String optedOut = containerId();
    String own = containerId();
    String normal = containerId();
    for (String id : List.of(system, optedOut, own, normal)) {
      fx.engine.start(id);
    }
    Pod systemPod = fx.create(runningPod("kube-system", "coredns", NODE, system));
    Pod optedOutPod =
        fx.create(
            TestObjects.withAnnotations(
                runningPod("team", "monitor", NODE, optedOut),
                Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true")));
    Pod normalPod = fx.create(runningPod("team", "app", NODE, normal));
    Pod ownPod =
        fx.create(runningPod(DaemonFixture.AGENT_NAMESPACE, DaemonFixture.AGENT_POD, NODE, own));
    CgroupIsolationNode inKubeSystem =
        fx.create(nodeObject("kube-system", "iso-node-a", NODE, systemPod));
    CgroupIsolationNode inTeam =
        fx.create(nodeObject("team", "iso-node-a", NODE, optedOutPod, normalPod));
    CgroupIsolationNode inAgentNamespace =
        fx.create(nodeObject(DaemonFixture.AGENT_NAMESPACE, "iso-node-a", NODE, ownPod));
    fx.start();

    fx.awaitStatus(inTeam, o -> o.getStatus().summary.isolated == 1);
    for (CgroupIsolationNode object : List.of(inKubeSystem, inAgentNamespace)) {
      CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().containers.size() == 1);
      assertThat(done.getStatus().containers.get(0).phase).isEqualTo(ContainerPhase.Skipped);
    }
    CgroupIsolationNode team = fx.get(inTeam);
    assertThat(team.getStatus().containers)
        .extracting(r -> r.pod, r -> r.phase)
        .containsExactly(
            tuple("app", ContainerPhase.Isolated), tuple("monitor", ContainerPhase.Skipped));
    assertThat(team.getStatus().containers.get(1).message).contains("opt-out");
    assertThat(fx.engine.callsFor(system)).isZero();
    assertThat(fx.engine.callsFor(optedOut)).isZero();
    assertThat(fx.engine.callsFor(own)).isZero();
    assertThat(fx.engine.isIsolated(normal)).isTrue();
  }

  @Test
  void conflictsServerErrorsAndTimeoutsOnTheStatusPatchAreRetriedWithoutLosingResults() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.api.failNextStatusPatches(409, 500, 0);

    fx.start();
    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    assertThat(fx.api.failedStatusPatches()).isEqualTo(3);
    assertThat(fx.api.statusPatches()).isEqualTo(1);
    assertThat(done.getStatus().containers.get(0).containerID).isEqualTo("containerd://" + a0);
  }

  @Test
  void aStatusThatCouldNotBeWrittenIsWrittenByALaterPass() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.api.failNextStatusPatches(500, 500, 500, 500, 409); // more than one pass's attempts

    fx.start();
    CgroupIsolationNode done = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    assertThat(fx.api.failedStatusPatches()).isEqualTo(5);
    assertThat(done.getStatus().containers.get(0).phase).isEqualTo(ContainerPhase.Isolated);
    // The container was isolated once: the later pass wrote the kept result, it did not redo it.
    assertThat(fx.engine.calls()).containsExactly("isolate:" + a0);
  }

  @Test
  void aRestartedAgentReDerivesEverythingAndChangesNothing() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    CgroupIsolationNode before = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    fx.stopDaemon();
    // The first agent may have made more than one pass (pod and node object events) before it
    // stopped: count from here rather than expect a fixed number.
    int callsBefore = fx.engine.calls().size();

    fx.start();
    // The new agent's first pass asks the engine about every container again.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(fx.engine.calls()).hasSizeGreaterThan(callsBefore));
    fx.verifyAllNow();

    assertThat(fx.engine.calls()).containsOnly("isolate:" + a0);
    assertThat(fx.engine.isIsolated(a0)).isTrue();
    assertThat(fx.api.statusPatches()).isEqualTo(1);
    assertThat(fx.get(object).getStatus().containers.get(0).lastTransitionTime)
        .isEqualTo(before.getStatus().containers.get(0).lastTransitionTime);
  }

  @Test
  void driftIsReportedAndRepaired() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    fx.engine.remountBehindTheAgentsBack(a0);
    fx.verifyAllNow();

    CgroupIsolationNode done =
        fx.awaitStatus(object, o -> o.getStatus().containers.get(0).message.contains("drift"));
    assertThat(done.getStatus().containers.get(0).phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(fx.engine.isIsolated(a0)).isTrue();
    assertThat(fx.registry.get("cgroupns.agent.drift.repairs").counter().count()).isEqualTo(1.0);
  }

  @Test
  void driftIsFoundByThePeriodicVerification() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start(Duration.ofMillis(300));
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    fx.engine.remountBehindTheAgentsBack(a0);

    fx.awaitStatus(object, o -> o.getStatus().containers.get(0).message.contains("drift"));
    assertThat(fx.engine.isIsolated(a0)).isTrue();
    assertThat(fx.engine.housekeepingRuns()).isPositive();
  }

  @Test
  void auditReportsWhatWouldChangeAndPrivateNamespacesAreLeftAlone() {
    String a0 = containerId();
    String a1 = containerId();
    fx.engine.start(a0);
    fx.engine.start(a1);
    fx.engine.givePrivateNamespace(a1);
    Pod a = fx.create(runningPod("team", "a", NODE, a0, a1));
    CgroupIsolationNode audit = nodeObject("team", "iso-node-a", NODE, a);
    audit.getSpec().mode = IsolationMode.Audit;
    CgroupIsolationNode object = fx.create(audit);
    fx.start();

    CgroupIsolationNode done =
        fx.awaitStatus(
            object,
            o ->
                o.getStatus().summary.wouldChange == 1
                    && o.getStatus().summary.alreadyPrivate == 1);
    assertThat(done.getStatus().containers.get(0).message).contains("remount 9 cgroupfs mounts");
    assertThat(fx.engine.isIsolated(a0)).isFalse();
    assertThat(fx.engine.calls()).containsExactlyInAnyOrder("audit:" + a0, "audit:" + a1);
  }

  @Test
  void aContainerSharedWithAnotherIsolationStaysIsolatedWhenOneLetsGo() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode first = fx.create(nodeObject("team", "first-node-a", NODE, a));
    CgroupIsolationNode second = fx.create(nodeObject("team", "second-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(first, o -> o.getStatus().summary.isolated == 1);
    fx.awaitStatus(second, o -> o.getStatus().summary.isolated == 1);

    fx.editSpec(first, spec -> spec.action = NodeAction.Revert);
    fx.awaitStatus(first, o -> o.getStatus().containers.isEmpty());

    assertThat(fx.engine.isIsolated(a0)).isTrue();
    assertThat(fx.engine.calls()).doesNotContain("revert:" + a0);
  }

  @Test
  void aForcedDeletionOfAnObjectRevertsWhatOnlyItHadIsolated() {
    String mine = containerId();
    String shared = containerId();
    fx.engine.start(mine);
    fx.engine.start(shared);
    Pod a = fx.create(runningPod("team", "a", NODE, mine));
    Pod b = fx.create(runningPod("team", "b", NODE, shared));
    CgroupIsolationNode doomed = fx.create(nodeObject("team", "doomed-node-a", NODE, a, b));
    CgroupIsolationNode other = fx.create(nodeObject("team", "other-node-a", NODE, b));
    fx.start();
    fx.awaitStatus(doomed, o -> o.getStatus().summary.isolated == 2);
    fx.awaitStatus(other, o -> o.getStatus().summary.isolated == 1);

    fx.api.client().resource(fx.get(doomed)).withGracePeriod(0).delete();

    await().atMost(Duration.ofSeconds(20)).until(() -> !fx.engine.isIsolated(mine));
    assertThat(fx.engine.isIsolated(shared)).isTrue();
    assertThat(fx.engine.calls()).doesNotContain("revert:" + shared);
  }

  @Test
  void shutdownFinishesThePassInProgressAndWritesItsResults() throws Exception {
    String a0 = containerId();
    String a1 = containerId();
    fx.engine.start(a0);
    fx.engine.start(a1);
    Pod a = fx.create(runningPod("team", "a", NODE, a0, a1));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    fx.engine.holdIsolations(entered, gate);
    fx.start();
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    Thread stopper = new Thread(fx::stopDaemon, "test-stopper");
    stopper.start();
    // The stopper waits for the pass, which waits for the gate.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
    gate.countDown();
    stopper.join(20_000);

    assertThat(stopper.isAlive()).isFalse();
    CgroupIsolationNode stored = fx.get(object);
    assertThat(stored.getStatus().summary.isolated).isEqualTo(2);
    assertThat(fx.engine.isIsolated(a0) && fx.engine.isIsolated(a1)).isTrue();
  }

  @Test
  void servesProbesAndMetricsWithBoundedTags() throws Exception {
    String a0 = containerId();
    String b0 = containerId();
    fx.engine.start(a0);
    fx.engine.start(b0);
    fx.engine.failNextCall(b0, FailureReason.ContainerBusy);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    Pod b = fx.create(runningPod("team", "b", NODE, b0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a, b));
    NodeAgentDaemon daemon = fx.start();
    // b failed once (busy), and the next pass tried it again.
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 2);

    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, daemon, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, daemon, "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(http, daemon, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("cgroupns_agent_isolations_total 2.0")
        .contains("cgroupns_agent_failures_total{reason=\"ContainerBusy\"} 1.0")
        .contains("cgroupns_agent_isolation_latency_seconds_bucket")
        .contains("cgroupns_agent_drift_repairs_total 0.0")
        .containsPattern("cgroupns_agent_pass_duration_seconds_count [1-9]")
        .doesNotContain("team")
        .doesNotContain(a0);

    fx.stopDaemon();
    assertThatThrownBy(() -> get(http, daemon, "/healthz")).isInstanceOf(IOException.class);
  }

  private static HttpResponse<String> get(HttpClient http, NodeAgentDaemon daemon, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.opsPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static PodTarget target(Pod pod) {
    return new PodTarget(pod.getMetadata().getName(), pod.getMetadata().getUid());
  }
}
