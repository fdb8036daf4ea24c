package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.resultFor;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesOnlyItsOwnSubtree;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static dev.cgroupns.e2e.lifecycle.ViewAssertions.statusShowsWhatTheContainerSees;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.e2e.harness.StatusViews;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.testbed.runc.ContainerSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CgroupIsolation applied to running containers: it becomes Ready for its generation, the
 * counters add up, the operator announces it, and for every selected container the status shows
 * what that container really sees, read from inside it.
 */
class ApplyIsolationTest extends ClusterPerTest {
  @Test
  void becomesReadyAndTheStatusShowsWhatEachSelectedContainerSees() {
    List<E2ePod> web = cluster.startPods("web", 2, WEB);
    E2ePod other = cluster.startPod("other-0", Map.of("app", "other"));
    ContainerView otherBefore = cluster.seenBy(other);
    Map<E2ePod, ContainerView> before =
        Map.of(web.get(0), cluster.seenBy(web.get(0)), web.get(1), cluster.seenBy(web.get(1)));

    cluster.apply(Isolations.selecting("web", WEB));
    CgroupIsolation ready = cluster.awaitReady("web");

    // kstatus: Ready for this generation, neither reconciling nor stalled.
    long generation = ready.getMetadata().getGeneration();
    CgroupIsolationStatus status = ready.getStatus();
    assertThat(status.observedGeneration).isEqualTo(generation);
    assertThat(status.conditions)
        .extracting(Condition::getType, Condition::getStatus, Condition::getObservedGeneration)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("Ready", "True", generation),
            org.assertj.core.groups.Tuple.tuple("Reconciling", "False", generation),
            org.assertj.core.groups.Tuple.tuple("Stalled", "False", generation));
    Condition readyCondition = IsolationConditions.condition(ready, "Ready").orElseThrow();
    assertThat(readyCondition.getReason()).isEqualTo("Isolated");
    assertThat(readyCondition.getLastTransitionTime()).isNotBlank();
    // Counters: the two web containers, not the other pod's.
    assertThat(
            List.of(
                status.matched,
                status.isolated,
                status.alreadyPrivate,
                status.pending,
                status.failed,
                status.nodeCount))
        .containsExactly(2, 2, 0, 0, 0, 1);
    assertThat(status.nodes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.node).isEqualTo(E2eCluster.NODE);
              assertThat(n.matched).isEqualTo(2);
              assertThat(n.isolated).isEqualTo(2);
              assertThat(n.agentReporting).isTrue();
            });
    assertThat(status.problems).isEmpty();
    assertThat(ready.getMetadata().getFinalizers()).contains("cgroupns.dev/revert");

    // One node object, instructing the agent about the selected pods only.
    CgroupIsolationNode object = cluster.nodeObject("web");
    assertThat(cluster.nodeObjects("web")).hasSize(1);
    assertThat(object.getSpec().action).isEqualTo(NodeAction.Apply);
    assertThat(object.getSpec().pods)
        .extracting(p -> p.name, p -> p.uid)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(web.get(0).name(), web.get(0).uid()),
            org.assertj.core.groups.Tuple.tuple(web.get(1).name(), web.get(1).uid()));
    assertThat(object.getStatus().containers).hasSize(2);

    for (E2ePod pod : web) {
      ContainerResult result = resultFor(object, pod);
      assertThat(result.phase).isEqualTo(ContainerPhase.Isolated);
      assertThat(result.containerID).isEqualTo(pod.containerID());
      assertThat(result.podUID).isEqualTo(pod.uid());
      assertThat(result.pid).isEqualTo((long) pod.container().pid());
      assertThat(result.mountState).isEqualTo(MountState.ReadOnly);
      // runc gave these containers no cgroup namespace: the agent narrows their mounts instead.
      assertThat(result.privateNamespace).isFalse();
      assertThat(result.hostCgroupPaths).extracting(p -> p.path).containsOnly(pod.cgroupPath());
      assertThat(result.view.mounts)
          .allSatisfy(
              m -> {
                assertThat(m.readOnly).isTrue();
                assertThat(m.exposesMore).isFalse();
              });

      ContainerView seen = cluster.seenBy(pod);
      statusShowsWhatTheContainerSees(result, seen);
      seesOnlyItsOwnSubtree(pod, seen, before.get(pod));
    }
    // The pod the selector does not match is left as the runtime made it.
    seesTheHostViewAgain(other, cluster.seenBy(other), otherBefore);
    assertThat(cluster.revertRecords()).hasSize(2);
    assertThat(cluster.hostMountsUnchanged()).isTrue();

    // The agent announced each isolation on its pod, and left the other pod's events alone.
    for (E2ePod pod : web) {
      Pod podObject = cluster.podObject(pod);
      E2eCluster.waiting("an Isolated event on " + pod.name())
          .until(() -> agentEvents(podObject, "Isolated"), e -> e.size() == 1);
    }
    assertThat(cluster.eventsAbout(cluster.podObject(other))).isEmpty();
    // The operator announced the transition to Ready on the CgroupIsolation.
    List<Event> events = cluster.eventsAbout(ready);
    assertThat(events)
        .filteredOn(e -> "Isolated".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getMessage()).startsWith("2 of 2 containers isolated");
              assertThat(e.getSource().getComponent()).isEqualTo("cgroup-isolation-operator");
            });
  }

  @Test
  void aContainerWithItsOwnCgroupNamespaceIsReportedAsItSeesItselfAndLeftAlone() {
    // As containerd makes an unprivileged container on a cgroup v2 node: a private cgroup
    // namespace and a fresh cgroupfs mount rooted at the container's own cgroup.
    E2ePod own = cluster.startPod("own-0", WEB, ContainerSpec.plain().withCgroupNamespace());
    E2ePod shared = cluster.startPod("shared-0", WEB);
    ContainerView ownBefore = cluster.seenBy(own);
    assertThat(ownBefore.procSelfCgroup()).allMatch(l -> l.endsWith(":/"));

    cluster.apply(Isolations.selecting("web", WEB));
    CgroupIsolation ready = cluster.awaitReady("web");

    CgroupIsolationStatus status = ready.getStatus();
    assertThat(List.of(status.matched, status.isolated, status.alreadyPrivate, status.failed))
        .containsExactly(2, 1, 1, 0);
    assertThat(IsolationConditions.condition(ready, "Ready").orElseThrow().getMessage())
        .isEqualTo("1 of 2 containers isolated, 1 already had a private cgroup namespace");
    ContainerResult result = resultFor(cluster.nodeObject("web"), own);
    assertThat(result.phase).isEqualTo(ContainerPhase.AlreadyPrivate);
    assertThat(result.privateNamespace).isTrue();
    // Relative to its own namespace: "/" in every hierarchy and as every mount's root, as read
    // inside it; on the host, its cgroup is the kubelet-named one.
    assertThat(result.view.procSelfCgroup).extracting(p -> p.path).containsOnly("/");
    assertThat(result.view.mounts).extracting(m -> m.root).containsOnly("/");
    assertThat(result.hostCgroupPaths).extracting(p -> p.path).containsOnly(own.cgroupPath());
    ContainerView ownAfter = cluster.seenBy(own);
    statusShowsWhatTheContainerSees(result, ownAfter);
    // Left alone: the same mounts as before, and nothing to revert.
    assertThat(StatusViews.mounts(ownAfter.cgroupMounts()))
        .isEqualTo(StatusViews.mounts(ownBefore.cgroupMounts()));
    assertThat(cluster.revertRecords())
        .singleElement()
        .satisfies(
            r -> assertThat(r.getFileName().toString()).startsWith(shared.container().pid() + "-"));
  }

  private List<Event> agentEvents(Pod pod, String reason) {
    return cluster.eventsAbout(pod).stream()
        .filter(e -> reason.equals(e.getReason()) && "Normal".equals(e.getType()))
        .filter(e -> "cgroup-isolation-node-agent".equals(e.getSource().getComponent()))
        .toList();
  }
}
