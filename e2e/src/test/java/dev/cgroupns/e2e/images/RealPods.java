package dev.cgroupns.e2e.images;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.LocalOverlay;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import dev.cgroupns.testbed.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** What the tests of the real node read about its pods, through the API and kubectl exec. */
final class RealPods {
  private RealPods() {}

  static boolean ready(KubernetesClient admin, String namespace, String name) {
    Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
    return pod != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  /** The first container's runtime ID, without the {@code containerd://} scheme. */
  static Optional<String> containerId(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null || statuses.isEmpty() || statuses.get(0).getContainerID() == null) {
      return Optional.empty();
    }
    return Optional.of(statuses.get(0).getContainerID().replace("containerd://", ""));
  }

  static int restarts(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? 0 : statuses.get(0).getRestartCount();
  }

  /** The first container's cgroup as the kubelet names it (cgroupfs driver, best-effort pod). */
  static String ownCgroup(Pod pod) {
    return "/kubepods/besteffort/pod"
        + pod.getMetadata().getUid()
        + "/"
        + containerId(pod).orElseThrow(() -> new AssertionError("no container ID yet: " + pod));
  }

  /** The cgroup mounts the pod's first container sees, read inside it. */
  static List<ContainerView.CgroupMount> cgroupMounts(
      Kubectl kubectl, String namespace, String pod) {
    return ContainerViewReader.cgroupMounts(mountinfo(kubectl, namespace, pod));
  }

  /** The container's own mountinfo lines of cgroup filesystems, mount IDs and all. */
  static List<String> cgroupMountLines(Kubectl kubectl, String namespace, String pod) {
    return mountinfo(kubectl, namespace, pod).stream()
        .filter(l -> l.contains(" - cgroup ") || l.contains(" - cgroup2 "))
        .toList();
  }

  private static List<String> mountinfo(Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result mountinfo =
        kubectl.run("exec", "-n=" + namespace, pod, "--", "cat", "/proc/self/mountinfo");
    LocalOverlay.ok(mountinfo);
    return mountinfo.out().lines().toList();
  }

  /** The node objects' status entry for the pod's container, if any. */
  static Optional<ContainerResult> result(KubernetesClient admin, String namespace, String pod) {
    return admin
        .resources(CgroupIsolationNode.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .filter(o -> o.getStatus() != null && o.getStatus().containers != null)
        .flatMap(o -> o.getStatus().containers.stream())
        .filter(r -> pod.equals(r.pod))
        .findFirst();
  }

  static boolean isolationReady(KubernetesClient admin, String namespace, String name) {
    CgroupIsolation isolation =
        admin.resources(CgroupIsolation.class).inNamespace(namespace).withName(name).get();
    return isolation != null && IsolationConditions.readyForCurrentGeneration(isolation);
  }
}
