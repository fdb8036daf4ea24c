package dev.cgroupns.operator.targets;

import dev.cgroupns.api.v1alpha1.PodTarget;
import java.util.List;

/**
 * A pod the isolation targets, with the names of its containers to isolate (already narrowed by
 * spec.containers). The container names let the status count containers the agent has not yet
 * reported.
 */
public record ResolvedPod(String name, String uid, List<String> containers) {
  public ResolvedPod {
    containers = List.copyOf(containers);
  }

  public PodTarget toTarget() {
    return new PodTarget(name, uid);
  }
}
