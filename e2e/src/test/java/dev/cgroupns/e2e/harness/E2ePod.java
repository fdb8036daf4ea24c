package dev.cgroupns.e2e.harness;

import dev.cgroupns.sandbox.demo.DemoPods;
import dev.cgroupns.testbed.runc.DemoContainer;

/**
 * A Pod object and the runc container that stands in for its one container ({@link
 * DemoPods#CONTAINER_NAME}); the pod's UID is in the container's cgroup path, the container's ID in
 * the pod's status.
 *
 * @param name the Pod's name (namespace {@link E2eCluster#NAMESPACE})
 * @param container the container of the pod's current incarnation
 */
public record E2ePod(String name, DemoContainer container) {

  public String uid() {
    return container.podUid();
  }

  /** The container ID as the pod status and the agent's results give it: containerd://hex. */
  public String containerID() {
    return DemoPods.RUNTIME_PREFIX + container.containerId();
  }

  /** The container's cgroup, the same in every hierarchy (relative to the host's cgroup root). */
  public String cgroupPath() {
    return container.cgroupsPath();
  }
}
