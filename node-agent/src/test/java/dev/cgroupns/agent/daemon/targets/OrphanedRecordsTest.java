package dev.cgroupns.agent.daemon.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.engine.ContainerEngine.OwnedIsolation;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrphanedRecordsTest {
  private static final String LIVE = "11111111-1111-1111-1111-111111111111";
  private static final String GONE = "22222222-2222-2222-2222-222222222222";
  private static final String POD_A = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
  private static final String POD_B = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

  private static int nextPid = 100;

  private static OwnedIsolation owned(String objectUid, String podUid, String container) {
    return new OwnedIsolation(
        new ProcessIdentity(nextPid++, 5),
        new RecordOwner(
            objectUid,
            "team",
            "iso-" + objectUid.charAt(0),
            "iso",
            "pod-" + podUid.charAt(0),
            podUid,
            container,
            "containerd://" + "c".repeat(64)));
  }

  /** A live Apply/Enforce object for {@code podUid}, optionally limited to some containers. */
  private static CgroupIsolationNode object(String uid, String podUid, String... containers) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.getMetadata().setNamespace("team");
    object.getMetadata().setName("iso-" + uid.charAt(0));
    object.getMetadata().setUid(uid);
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = "node-a";
    spec.action = NodeAction.Apply;
    spec.mode = IsolationMode.Enforce;
    spec.pods = new ArrayList<>(List.of(new PodTarget("pod-" + podUid.charAt(0), podUid)));
    spec.containers = containers.length == 0 ? null : new ArrayList<>(List.of(containers));
    object.setSpec(spec);
    return object;
  }

  private static List<OwnedIsolation> orphaned(
      List<OwnedIsolation> owned, CgroupIsolationNode... objects) {
    List<CgroupIsolationNode> list = List.of(objects);
    return OrphanedRecords.orphaned(owned, list, ClaimIndex.of(list));
  }

  @Test
  void aContainerWhoseObjectVanishedAndThatNobodyClaimsIsOrphaned() {
    OwnedIsolation gone = owned(GONE, POD_A, "app");
    OwnedIsolation live = owned(LIVE, POD_B, "app");

    assertThat(orphaned(List.of(gone, live), object(LIVE, POD_B))).containsExactly(gone);
  }

  @Test
  void aContainerOfAVanishedObjectThatAnotherObjectClaimsStaysIsolated() {
    OwnedIsolation gone = owned(GONE, POD_A, "app");

    assertThat(orphaned(List.of(gone), object(LIVE, POD_A))).isEmpty();
    assertThat(orphaned(List.of(gone), object(LIVE, POD_A, "app"))).isEmpty();
    // The other object selects the pod, but only another of its containers.
    assertThat(orphaned(List.of(gone), object(LIVE, POD_A, "sidecar"))).containsExactly(gone);
  }

  @Test
  void anObjectThatOnlyAuditsOrRevertsDoesNotKeepAnOrphanIsolated() {
    OwnedIsolation gone = owned(GONE, POD_A, "app");
    CgroupIsolationNode audit = object(LIVE, POD_A);
    audit.getSpec().mode = IsolationMode.Audit;
    CgroupIsolationNode reverting = object(LIVE, POD_A);
    reverting.getSpec().action = NodeAction.Revert;

    assertThat(orphaned(List.of(gone), audit)).containsExactly(gone);
    assertThat(orphaned(List.of(gone), reverting)).containsExactly(gone);
  }

  @Test
  void aRecordWhoseObjectStillExistsIsLeftToThatObjectsPasses() {
    // Even when the object no longer lists the pod: its own pass reverts it, with a status.
    OwnedIsolation live = owned(LIVE, POD_A, "app");

    assertThat(orphaned(List.of(live), object(LIVE, POD_B))).isEmpty();
  }

  @Test
  void aRecordWithoutOwnerIsNeverOrphaned() {
    OwnedIsolation cli = new OwnedIsolation(new ProcessIdentity(7, 7), null);

    assertThat(orphaned(List.of(cli))).isEmpty();
  }

  @Test
  void withNoObjectAtAllEveryOwnedRecordLooksOrphaned() {
    // Why the daemon asks only once its watches listed everything.
    OwnedIsolation a = owned(LIVE, POD_A, "app");
    OwnedIsolation b = owned(GONE, POD_B, "app");

    assertThat(orphaned(List.of(a, b))).containsExactly(a, b);
  }

  @Test
  void theRevertTargetDescribesTheContainerAsItsVanishedObjectLastSawIt() {
    RecordOwner owner = owned(GONE, POD_A, "app").owner();

    RevertTarget target = OrphanedRecords.revertTarget(owner);

    assertThat(target.containerId()).isEqualTo("c".repeat(64));
    assertThat(target.previous().pod).isEqualTo("pod-a");
    assertThat(target.previous().podUID).isEqualTo(POD_A);
    assertThat(target.previous().container).isEqualTo("app");
    assertThat(target.previous().containerID).isEqualTo("containerd://" + "c".repeat(64));
    assertThat(target.previous().phase).isEqualTo(ContainerPhase.Isolated);
  }
}
