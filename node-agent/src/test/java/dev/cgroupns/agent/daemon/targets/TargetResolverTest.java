package dev.cgroupns.agent.daemon.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.arrivals.ContainerArrivals;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetResolverTest {
  private static final String NODE = "node-a";
  private static final String ID_A = "a".repeat(64);
  private static final String ID_B = "b".repeat(64);
  private static final String UID_1 = "11111111-1111-1111-1111-111111111111";
  private static final String UID_2 = "22222222-2222-2222-2222-222222222222";

  private final TargetResolver resolver =
      new TargetResolver(NODE, new Protection("cgroup-isolation-system", "agent-xyz"));

  @Test
  void runningContainersOfListedPodsOnThisNodeAreTargetedWithTheirValidatedIds() {
    Pod pod = pod("team", "app", UID_1, NODE, running("main", ID_A), running("sidecar", ID_B));
    PassPlan plan = resolve(object(pod), List.of(pod), List.of());

    assertThat(plan.apply())
        .extracting(ContainerTarget::container, ContainerTarget::containerId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("main", ID_A),
            org.assertj.core.groups.Tuple.tuple("sidecar", ID_B));
    assertThat(plan.apply().get(0).statusContainerId()).isEqualTo("containerd://" + ID_A);
    assertThat(plan.apply().get(0).readOnly()).isTrue();
    assertThat(plan.apply().get(0).audit()).isFalse();
    assertThat(plan.revert()).isEmpty();
    assertThat(plan.decided()).isEmpty();
  }

  @Test
  void theContainerFilterReadWriteAndAuditComeFromTheSpec() {
    Pod pod = pod("team", "app", UID_1, NODE, running("main", ID_A), running("sidecar", ID_B));
    CgroupIsolationNode object = object(pod);
    object.getSpec().containers = List.of("sidecar");
    object.getSpec().readOnly = false;
    object.getSpec().mode = IsolationMode.Audit;

    PassPlan plan = resolve(object, List.of(pod), List.of());

    assertThat(plan.apply())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.container()).isEqualTo("sidecar");
              assertThat(t.readOnly()).isFalse();
              assertThat(t.audit()).isTrue();
            });
  }

  @Test
  void podsThatAreNotWhatTheOperatorListedAreIgnored() {
    Pod recreated = pod("team", "app", UID_2, NODE, running("main", ID_A)); // same name, new UID
    Pod moved = pod("team", "moved", UID_1, "node-b", running("main", ID_B));
    Pod otherNamespace =
        pod("other", "x", "33333333-3333-3333-3333-333333333333", NODE, running("main", ID_B));
    CgroupIsolationNode object = object();
    object.getSpec().pods =
        new ArrayList<>(
            List.of(
                new PodTarget("app", UID_1),
                new PodTarget("moved", UID_1),
                new PodTarget("x", otherNamespace.getMetadata().getUid()),
                new PodTarget("app", "not-a-uid")));

    PassPlan plan = resolve(object, List.of(recreated, moved, otherNamespace), List.of());

    assertThat(plan.apply()).isEmpty();
    assertThat(plan.decided()).isEmpty();
  }

  @Test
  void containersNotRunningYetArePendingFinishedOnesAreLeftOutBadIdsFail() {
    ContainerStatus waiting =
        new ContainerStatusBuilder()
            .withName("init-later")
            .withNewState()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .endState()
            .build();
    ContainerStatus done =
        new ContainerStatusBuilder()
            .withName("job")
            .withContainerID("containerd://" + ID_B)
            .withNewState()
            .withNewTerminated()
            .withExitCode(0)
            .endTerminated()
            .endState()
            .build();
    ContainerStatus hostile =
        new ContainerStatusBuilder(running("evil", ID_A))
            .withContainerID("containerd://../../../etc/passwd")
            .build();
    ContainerStatus unknownRuntime =
        new ContainerStatusBuilder(running("rkt", ID_A)).withContainerID("rkt://" + ID_A).build();
    Pod pod = pod("team", "app", UID_1, NODE, waiting, done, hostile, unknownRuntime);

    PassPlan plan = resolve(object(pod), List.of(pod), List.of());

    assertThat(plan.apply()).isEmpty();
    assertThat(plan.decided())
        .extracting(r -> r.container, r -> r.phase)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("init-later", ContainerPhase.Pending),
            org.assertj.core.groups.Tuple.tuple("evil", ContainerPhase.Failed),
            org.assertj.core.groups.Tuple.tuple("rkt", ContainerPhase.Failed));
    assertThat(plan.decided().get(1).message).contains("64 lowercase hex digits");
    assertThat(plan.decided().get(1).containerID).isNull();
  }

  @Test
  void aContainerTheNodeShowedStartingIsTargetedBeforeThePodStatusNamesIt() {
    ContainerStatus waiting =
        new ContainerStatusBuilder()
            .withName("main")
            .withNewState()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .endState()
            .build();
    Pod creating = pod("team", "app", UID_1, NODE, waiting);
    Pod restarted = pod("team", "web", UID_2, NODE, running("main", ID_A));
    ContainerArrivals arrivals = new ContainerArrivals(identity -> true);
    arrivals.arrived(arrival(UID_1, "main", ID_B));
    arrivals.arrived(arrival(UID_2, "main", ID_B));
    TargetResolver withArrivals =
        new TargetResolver(NODE, new Protection(null, null), arrivals.lookup());

    PassPlan plan =
        withArrivals.resolve(
            object(creating, restarted),
            new PodSnapshot(NODE, List.of(creating, restarted)),
            List.of(),
            ClaimIndex.empty());

    assertThat(plan.decided()).isEmpty();
    assertThat(plan.apply())
        .extracting(ContainerTarget::podUid, ContainerTarget::containerId)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(UID_1, ID_B),
            org.assertj.core.groups.Tuple.tuple(UID_2, ID_B));
    assertThat(plan.apply())
        .allSatisfy(t -> assertThat(t.statusContainerId()).isEqualTo("containerd://" + ID_B));
    assertThat(plan.apply())
        .as("the arrival's init comes with it: no /proc scan needed")
        .allSatisfy(t -> assertThat(t.knownInit().pid()).isEqualTo(4242));
  }

  @Test
  void anArrivalWhoseProcessIsGoneLeavesTheSlotToThePodStatus() {
    Pod pod = pod("team", "app", UID_1, NODE, running("main", ID_A));
    ContainerArrivals arrivals = new ContainerArrivals(identity -> false);
    arrivals.arrived(arrival(UID_1, "main", ID_B));
    // Another container of the pod, or a container of another pod, is not this slot's.
    ContainerArrivals elsewhere = new ContainerArrivals(identity -> true);
    elsewhere.arrived(arrival(UID_1, "sidecar", ID_B));
    elsewhere.arrived(arrival(UID_2, "main", ID_B));

    for (ContainerArrivals a : List.of(arrivals, elsewhere)) {
      PassPlan plan =
          new TargetResolver(NODE, new Protection(null, null), a.lookup())
              .resolve(
                  object(pod), new PodSnapshot(NODE, List.of(pod)), List.of(), ClaimIndex.empty());
      assertThat(plan.apply()).extracting(ContainerTarget::containerId).containsExactly(ID_A);
      assertThat(plan.apply()).extracting(ContainerTarget::knownInit).containsOnlyNulls();
    }
    assertThat(arrivals.size()).as("the dead arrival is forgotten").isZero();
  }

  private static ContainerArrivals.Arrival arrival(String podUid, String container, String id) {
    return new ContainerArrivals.Arrival(
        podUid,
        container,
        id,
        "containerd://" + id,
        new dev.cgroupns.agent.proc.ProcessIdentity(4242, 99),
        java.time.Instant.EPOCH);
  }

  @Test
  void protectedPodsAreSkippedWithTheReason() {
    Pod system = pod("kube-system", "dns", UID_1, NODE, running("main", ID_A));
    Pod optedOut = pod("team", "mon", UID_2, NODE, running("main", ID_B));
    optedOut.getMetadata().setAnnotations(Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true"));
    Pod own =
        pod(
            "cgroup-isolation-system",
            "agent-xyz",
            "44444444-4444-4444-4444-444444444444",
            NODE,
            running("main", ID_B));
    Pod operator =
        pod("team", "op", "55555555-5555-5555-5555-555555555555", NODE, running("main", ID_B));
    operator.getMetadata().setLabels(Map.of("app.kubernetes.io/name", "cgroup-isolation-operator"));

    assertThat(resolve(objectIn("kube-system", system), List.of(system), List.of()).decided())
        .singleElement()
        .satisfies(r -> assertThat(r.message).contains("kube-system"));
    assertThat(resolve(object(optedOut), List.of(optedOut), List.of()).decided())
        .singleElement()
        .satisfies(r -> assertThat(r.phase).isEqualTo(ContainerPhase.Skipped));
    assertThat(resolve(objectIn("cgroup-isolation-system", own), List.of(own), List.of()).decided())
        .singleElement()
        .satisfies(r -> assertThat(r.message).contains("own pod"));
    assertThat(resolve(object(operator), List.of(operator), List.of()).apply()).isEmpty();
    // an annotation other than "true" opts nothing out
    optedOut.getMetadata().setAnnotations(Map.of(ApiGroup.OPT_OUT_ANNOTATION, "false"));
    assertThat(resolve(object(optedOut), List.of(optedOut), List.of()).apply()).hasSize(1);
  }

  @Test
  void aDeselectedPodThatWasIsolatedIsRevertedAGoneOneIsForgotten() {
    Pod kept = pod("team", "kept", UID_1, NODE, running("main", ID_A));
    Pod deselected = pod("team", "left", UID_2, NODE, running("main", ID_B));
    List<ContainerResult> previous =
        List.of(
            result("left", UID_2, "main", ID_B, ContainerPhase.Isolated),
            result(
                "gone",
                "66666666-6666-6666-6666-666666666666",
                "main",
                "c".repeat(64),
                ContainerPhase.Isolated));

    PassPlan plan = resolve(object(kept), List.of(kept, deselected), previous);

    assertThat(plan.apply()).extracting(ContainerTarget::podName).containsExactly("kept");
    assertThat(plan.revert())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.containerId()).isEqualTo(ID_B);
              assertThat(r.previous().pod).isEqualTo("left");
            });
  }

  @Test
  void aRevertedResultStaysWhileItsPodRuns() {
    Pod deselected = pod("team", "left", UID_2, NODE, running("main", ID_B));
    ContainerResult reverted = result("left", UID_2, "main", ID_B, ContainerPhase.Reverted);

    PassPlan plan = resolve(object(), List.of(deselected), List.of(reverted));

    assertThat(plan.revert()).isEmpty();
    assertThat(plan.decided()).containsExactly(reverted);
    assertThat(resolve(object(), List.of(), List.of(reverted)).decided()).isEmpty();
  }

  @Test
  void aContainerAnotherObjectStillWantsIsNotRevertedAndStaysReadOnly() {
    Pod pod = pod("team", "app", UID_1, NODE, running("main", ID_A));
    CgroupIsolationNode other = objectIn("team", pod);
    other.getMetadata().setUid("other-object");
    ClaimIndex claims = ClaimIndex.of(List.of(other));
    ContainerResult isolated = result("app", UID_1, "main", ID_A, ContainerPhase.Isolated);

    PassPlan deselected =
        resolver.resolve(object(), new PodSnapshot(NODE, List.of(pod)), List.of(isolated), claims);
    assertThat(deselected.revert()).isEmpty();

    CgroupIsolationNode readWrite = object(pod);
    readWrite.getSpec().readOnly = false;
    PassPlan shared =
        resolver.resolve(readWrite, new PodSnapshot(NODE, List.of(pod)), List.of(), claims);
    assertThat(shared.apply().get(0).readOnly()).isTrue();
  }

  @Test
  void revertActionRevertsWhatWasChangedAndEveryListedRunningContainer() {
    Pod pod = pod("team", "app", UID_1, NODE, running("main", ID_A), running("side", ID_B));
    CgroupIsolationNode object = object(pod);
    object.getSpec().action = NodeAction.Revert;
    List<ContainerResult> previous =
        List.of(
            result("app", UID_1, "main", ID_A, ContainerPhase.Isolated),
            result("app", UID_1, "side", ID_B, ContainerPhase.AlreadyPrivate));

    PassPlan plan = resolve(object, List.of(pod), previous);

    assertThat(plan.apply()).isEmpty();
    assertThat(plan.revert()).extracting(RevertTarget::containerId).containsExactly(ID_A, ID_B);
    assertThat(plan.revert().get(0).previous().phase).isEqualTo(ContainerPhase.Isolated);
  }

  @Test
  void aDeletedObjectsIsolatedContainersAreOrphansUnlessAnotherObjectClaimsThem() {
    Pod shared = pod("team", "shared", UID_2, NODE, running("main", ID_B));
    CgroupIsolationNode other = objectIn("team", shared);
    other.getMetadata().setUid("other-object");
    List<ContainerResult> last =
        List.of(
            result("app", UID_1, "main", ID_A, ContainerPhase.Isolated),
            result("app", UID_1, "side", "c".repeat(64), ContainerPhase.AlreadyPrivate),
            result("shared", UID_2, "main", ID_B, ContainerPhase.Isolated));

    List<RevertTarget> orphans =
        TargetResolver.orphaned("this-object", last, ClaimIndex.of(List.of(other)));

    assertThat(orphans).extracting(RevertTarget::containerId).containsExactly(ID_A);
  }

  // --- helpers

  private PassPlan resolve(
      CgroupIsolationNode object, List<Pod> pods, List<ContainerResult> previous) {
    return resolver.resolve(object, new PodSnapshot(NODE, pods), previous, ClaimIndex.empty());
  }

  static Pod pod(
      String namespace, String name, String uid, String node, ContainerStatus... statuses) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withContainers(
            java.util.Arrays.stream(statuses)
                .map(s -> new ContainerBuilder().withName(s.getName()).build())
                .toList())
        .endSpec()
        .withNewStatus()
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  static ContainerStatus running(String name, String id) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withContainerID("containerd://" + id)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .build();
  }

  private static CgroupIsolationNode object(Pod... pods) {
    return objectIn("team", pods);
  }

  private static CgroupIsolationNode objectIn(String namespace, Pod... pods) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.getMetadata().setNamespace(namespace);
    object.getMetadata().setName("iso-" + NODE);
    object.getMetadata().setUid("this-object");
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = NODE;
    spec.isolationName = "iso";
    for (Pod pod : pods) {
      spec.pods.add(new PodTarget(pod.getMetadata().getName(), pod.getMetadata().getUid()));
    }
    object.setSpec(spec);
    return object;
  }

  private static ContainerResult result(
      String pod, String uid, String container, String id, ContainerPhase phase) {
    ContainerResult result = new ContainerResult();
    result.pod = pod;
    result.podUID = uid;
    result.container = container;
    result.containerID = "containerd://" + id;
    result.phase = phase;
    return result;
  }
}
