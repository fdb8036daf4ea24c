package dev.cgroupns.agent.discovery;

import java.util.Optional;

/**
 * A container recognised in a cgroup path.
 *
 * @param podUid the pod UID in dashed form; empty for a container not run by the kubelet
 * @param containerId 64 lowercase hex digits
 * @param driver how the names were built
 * @param qos the pod's QoS class; empty outside Kubernetes
 * @param runtime the runtime, as far as the leaf name tells
 * @param podCgroupPath the pod's cgroup (for a plain container: the directory holding its leaf)
 * @param containerCgroupPath the container's own leaf cgroup (the scope or ID directory). Its
 *     processes may live in descendants of it: crun's "/container" leaf, or sub-cgroups the
 *     container made itself.
 */
public record ContainerCgroup(
    Optional<String> podUid,
    String containerId,
    CgroupDriver driver,
    Optional<QosClass> qos,
    ContainerRuntime runtime,
    String podCgroupPath,
    String containerCgroupPath) {
  public ContainerCgroup {
    podUid.ifPresent(ContainerIds::requirePodUid);
    ContainerIds.requireContainerId(containerId);
  }
}
