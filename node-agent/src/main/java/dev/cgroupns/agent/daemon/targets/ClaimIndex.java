package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which containers the node's other objects want isolated. Two CgroupIsolations may select the same
 * pod: reverting it for one must not undo the other's isolation, and when they disagree on write
 * access the container stays read-only instead of being remounted back and forth.
 */
public final class ClaimIndex {
  private final Map<String, List<Claim>> byPodUid = new HashMap<>();

  private record Claim(String objectUid, Set<String> containers, boolean readOnly) {
    boolean covers(String container) {
      return containers.isEmpty() || (container != null && containers.contains(container));
    }
  }

  /** An index that knows of no other object. */
  public static ClaimIndex empty() {
    return new ClaimIndex();
  }

  /** Indexes the Apply/Enforce objects among {@code objects} (the node's objects). */
  public static ClaimIndex of(Collection<CgroupIsolationNode> objects) {
    ClaimIndex index = new ClaimIndex();
    for (CgroupIsolationNode object : objects) {
      CgroupIsolationNodeSpec spec = object.getSpec();
      if (spec == null
          || spec.action != NodeAction.Apply
          || spec.mode == IsolationMode.Audit
          || spec.pods == null) {
        continue;
      }
      Set<String> containers = spec.containers == null ? Set.of() : Set.copyOf(spec.containers);
      Claim claim =
          new Claim(
              object.getMetadata().getUid(), containers, !Boolean.FALSE.equals(spec.readOnly));
      for (PodTarget pod : spec.pods) {
        if (pod != null && pod.uid != null) {
          index.byPodUid.computeIfAbsent(pod.uid, u -> new ArrayList<>()).add(claim);
        }
      }
    }
    return index;
  }

  /** True when an object other than {@code objectUid} wants this container isolated. */
  public boolean claimedByOther(String objectUid, String podUid, String container) {
    return byPodUid.getOrDefault(podUid, List.of()).stream()
        .anyMatch(c -> !c.objectUid().equals(objectUid) && c.covers(container));
  }

  /** True when an object other than {@code objectUid} wants this container read-only. */
  public boolean readOnlyWantedByOther(String objectUid, String podUid, String container) {
    return byPodUid.getOrDefault(podUid, List.of()).stream()
        .anyMatch(c -> !c.objectUid().equals(objectUid) && c.covers(container) && c.readOnly());
  }
}
