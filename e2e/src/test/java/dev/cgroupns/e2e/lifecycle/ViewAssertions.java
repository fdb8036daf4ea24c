package dev.cgroupns.e2e.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.StatusViews;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.Map;

/** What the lifecycle tests check about a container's view, inside and in the status. */
final class ViewAssertions {

  private ViewAssertions() {}

  /** The agent's result for the pod's container (its current incarnation or an older one). */
  static ContainerResult resultFor(CgroupIsolationNode object, E2ePod pod) {
    return object.getStatus().containers.stream()
        .filter(r -> pod.name().equals(r.pod))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for pod " + pod.name()));
  }

  /**
   * The status shows exactly what the container sees from inside: the same /proc/self/cgroup path
   * in every hierarchy, the same cgroup mount points with the same roots and access.
   */
  static void statusShowsWhatTheContainerSees(ContainerResult result, ContainerView seen) {
    Map<String, String> seenPaths = StatusViews.pathsByHierarchy(seen.procSelfCgroup());
    assertThat(StatusViews.pathsByHierarchy(result.view.procSelfCgroup, seenPaths.keySet()))
        .as("/proc/self/cgroup in the status vs. inside %s", result.pod)
        .isEqualTo(seenPaths);
    assertThat(StatusViews.mountsOfStatus(result.view.mounts))
        .as("cgroup mounts in the status vs. the mountinfo inside %s", result.pod)
        .isEqualTo(StatusViews.mounts(seen.cgroupMounts()));
  }

  /**
   * Isolated as seen from inside: every cgroup mount is rooted at the container's own cgroup and
   * read-only, so the rest of the host's tree is out of reach.
   */
  static void seesOnlyItsOwnSubtree(E2ePod pod, ContainerView seen, ContainerView before) {
    assertThat(seen.cgroupMounts())
        .as("cgroup mounts inside %s", pod.name())
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.root()).isEqualTo(pod.cgroupPath());
              assertThat(m.access()).isEqualTo("ro");
            });
    assertThat(seen.cgroupMounts())
        .extracting(ContainerView.CgroupMount::mountPoint)
        .containsExactlyInAnyOrderElementsOf(
            before.cgroupMounts().stream().map(ContainerView.CgroupMount::mountPoint).toList());
    assertThat(seen.visibleCgroups())
        .as("cgroup directories %s can reach", pod.name())
        .isLessThan(before.visibleCgroups());
  }

  /** Back to (or still) what the runtime gave it: the same mounts, roots and access as before. */
  static void seesTheHostViewAgain(E2ePod pod, ContainerView seen, ContainerView before) {
    assertThat(StatusViews.mounts(seen.cgroupMounts()))
        .as("cgroup mounts inside %s", pod.name())
        .isEqualTo(StatusViews.mounts(before.cgroupMounts()));
    assertThat(seen.cgroupMounts()).anySatisfy(m -> assertThat(m.root()).isEqualTo("/"));
  }
}
