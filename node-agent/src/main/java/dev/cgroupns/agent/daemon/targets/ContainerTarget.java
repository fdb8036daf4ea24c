package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.agent.discovery.ContainerIds;
import dev.cgroupns.agent.proc.ProcessIdentity;

/**
 * One running container the agent is asked to isolate (or audit), with its identifiers checked.
 *
 * @param podName the pod's name
 * @param podUid the pod's UID, validated
 * @param container the container's name
 * @param statusContainerId the ID as pod status gives it ("containerd://..."), for the result
 * @param containerId the 64 hex digits, validated; matched against /proc, never used in a path
 * @param readOnly mount read-only
 * @param audit only report what would change
 * @param knownInit the container's init as the node showed it starting ({@link
 *     dev.cgroupns.agent.daemon.arrivals.ContainerArrivals}), found from its own cgroup; null when
 *     only the pod status names the container, and the pass must find it in /proc
 */
public record ContainerTarget(
    String podName,
    String podUid,
    String container,
    String statusContainerId,
    String containerId,
    boolean readOnly,
    boolean audit,
    ProcessIdentity knownInit) {

  /** A container only the pod status names. */
  public ContainerTarget(
      String podName,
      String podUid,
      String container,
      String statusContainerId,
      String containerId,
      boolean readOnly,
      boolean audit) {
    this(podName, podUid, container, statusContainerId, containerId, readOnly, audit, null);
  }

  public ContainerTarget {
    ContainerIds.requirePodUid(podUid);
    ContainerIds.requireContainerId(containerId);
  }

  public String key() {
    return ContainerKeys.of(podUid, container);
  }
}
