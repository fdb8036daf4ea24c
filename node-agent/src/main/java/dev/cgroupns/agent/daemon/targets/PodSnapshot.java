package dev.cgroupns.agent.daemon.targets;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pods of this node, as the agent's watch shows them at the start of a pass. Pods that claim
 * another node are left out, whatever the watch returned.
 */
public final class PodSnapshot {
  private final Map<String, Pod> byNamespacedName = new HashMap<>();
  private final Set<String> uids = new HashSet<>();

  public PodSnapshot(String nodeName, Collection<Pod> pods) {
    for (Pod pod : pods) {
      if (pod.getMetadata() == null
          || pod.getSpec() == null
          || !nodeName.equals(pod.getSpec().getNodeName())) {
        continue;
      }
      byNamespacedName.put(
          pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
      if (pod.getMetadata().getUid() != null) {
        uids.add(pod.getMetadata().getUid());
      }
    }
  }

  public Optional<Pod> get(String namespace, String name) {
    return Optional.ofNullable(byNamespacedName.get(namespace + "/" + name));
  }

  /** True when a pod with this UID runs on this node. */
  public boolean hasUid(String uid) {
    return uid != null && uids.contains(uid);
  }

  public int size() {
    return byNamespacedName.size();
  }
}
