package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.agent.discovery.ContainerIds;
import dev.cgroupns.api.v1alpha1.ContainerResult;

/**
 * A container this node object isolated (as its status says) that it no longer targets: its pod
 * left the selection, or the object is being reverted.
 *
 * @param containerId the 64 hex digits, validated
 * @param previous the container's last result under this object
 */
public record RevertTarget(String containerId, ContainerResult previous) {
  public RevertTarget {
    ContainerIds.requireContainerId(containerId);
  }
}
