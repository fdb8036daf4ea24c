package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static dev.cgroupns.agent.daemon.TestObjects.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.events.ContainerEvents;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Containers whose node object was deleted while the agent was down: the restarted agent never sees
 * the deletion, and reverts them from the owners its revert records name.
 */
class OrphanedRecordsDaemonTest {
  private final DaemonFixture fx = new DaemonFixture();

  @AfterEach
  void close() {
    fx.close();
  }

  private static RecordOwner owner(String objectUid, String objectName, Pod pod, String id) {
    return new RecordOwner(
        objectUid,
        "team",
        objectName,
        objectName,
        pod.getMetadata().getName(),
        pod.getMetadata().getUid(),
        "c0",
        "containerd://" + id);
  }

  private List<Event> reverted(String pod) {
    return fx.api.client().v1().events().inNamespace("team").list().getItems().stream()
        .filter(e -> ContainerEvents.REVERTED.equals(e.getReason()))
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private double orphanReverts() {
    return fx.registry.get("cgroupns.agent.reverts.orphaned").counter().count();
  }

  @Test
  void anObjectDeletedWhileTheAgentWasDownHasItsContainersRevertedAtRestart() {
    String a0 = containerId();
    fx.engine.start(a0);
    Pod a = fx.create(runningPod("team", "a", NODE, a0));
    CgroupIsolationNode object = fx.create(nodeObject("team", "iso-node-a", NODE, a));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    assertThat(fx.engine.owner(a0).objectUid()).isEqualTo(object.getMetadata().getUid());
    assertThat(fx.engine.owner(a0).pod()).isEqualTo("a");

    fx.stopDaemon();
    // The operator gave up waiting (RevertUnconfirmed) and deleted the node object.
    fx.api.client().resource(fx.get(object)).withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> fx.get(object) == null);
    assertThat(fx.engine.isIsolated(a0)).isTrue();

    // No object is left on the node, so no watch event starts a pass: the start itself must.
    fx.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> !fx.engine.isIsolated(a0));
    await().atMost(Duration.ofSeconds(20)).until(() -> !reverted("a").isEmpty());
    assertThat(reverted("a").get(0).getMessage()).contains("c0", "iso-node-a");
    assertThat(fx.engine.ownedIsolations()).isEmpty();
    assertThat(orphanReverts()).isEqualTo(1.0);
  }

  @Test
  void onlyRecordsOfVanishedObjectsThatNobodyClaimsAreReverted() {
    String orphan = containerId();
    String podGone = containerId();
    String ofLive = containerId();
    String claimed = containerId();
    String cli = containerId();
    List.of(orphan, podGone, ofLive, claimed, cli).forEach(fx.engine::start);
    Pod a = fx.create(runningPod("team", "a", NODE, orphan));
    Pod b = fx.create(runningPod("team", "b", NODE, ofLive));
    Pod c = fx.create(runningPod("team", "c", NODE, claimed));
    Pod d = fx.create(runningPod("team", "d", NODE, cli));
    // Pod e was deleted from the API, but its container still runs (the kubelet is slow).
    Pod e = runningPod("team", "e", NODE, podGone);
    CgroupIsolationNode live = fx.create(nodeObject("team", "iso-live", NODE, b, c));
    String vanished = uid();
    fx.engine.isolatedEarlier(orphan, owner(vanished, "iso-gone", a, orphan));
    fx.engine.isolatedEarlier(podGone, owner(vanished, "iso-gone", e, podGone));
    fx.engine.isolatedEarlier(ofLive, owner(live.getMetadata().getUid(), "iso-live", b, ofLive));
    fx.engine.isolatedEarlier(claimed, owner(vanished, "iso-gone", c, claimed));
    fx.engine.isolatedEarlier(cli, null);

    fx.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> fx.daemon().idle());

    assertThat(fx.engine.isIsolated(orphan)).isFalse();
    assertThat(fx.engine.isIsolated(podGone)).isFalse();
    assertThat(fx.engine.isIsolated(ofLive)).isTrue();
    assertThat(fx.engine.isIsolated(claimed)).isTrue();
    assertThat(fx.engine.isIsolated(cli)).isTrue();
    assertThat(fx.engine.calls())
        .contains("revert:" + orphan, "revert:" + podGone)
        .doesNotContain("revert:" + ofLive, "revert:" + claimed, "revert:" + cli);
    assertThat(fx.engine.callsFor(cli)).isZero();
    assertThat(orphanReverts()).isEqualTo(2.0);
    await().atMost(Duration.ofSeconds(20)).until(() -> !reverted("a").isEmpty());
    assertThat(reverted("e")).isEmpty();
    assertThat(reverted("b")).isEmpty();
    assertThat(reverted("c")).isEmpty();
    assertThat(reverted("d")).isEmpty();

    // The next resync finds nothing more to do.
    fx.verifyAllNow();
    assertThat(orphanReverts()).isEqualTo(2.0);
  }
}
