package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.operator.status.StatusAggregator;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to write so the node objects match the desired ones: objects to create, objects whose spec
 * to replace, and objects to delete.
 *
 * <p>A node that no longer has targets keeps its object, emptied, until its agent confirms that it
 * reverted the deselected containers: deleting it at once would leave the agent nothing to act on,
 * and the containers isolated. Only a node that left the cluster loses its object at once (no agent
 * remains to answer).
 */
record InstructionPlan(
    List<CgroupIsolationNode> create,
    List<CgroupIsolationNode> replaceSpec,
    List<CgroupIsolationNode> delete) {

  static InstructionPlan plan(
      CgroupIsolation isolation,
      List<CgroupIsolationNode> desired,
      Collection<CgroupIsolationNode> existing,
      Set<String> liveNodes) {
    Map<String, CgroupIsolationNode> existingByName = new HashMap<>();
    existing.forEach(e -> existingByName.put(e.getMetadata().getName(), e));
    List<CgroupIsolationNode> create = new ArrayList<>();
    List<CgroupIsolationNode> replace = new ArrayList<>();
    List<CgroupIsolationNode> delete = new ArrayList<>();
    for (CgroupIsolationNode wanted : desired) {
      CgroupIsolationNode current = existingByName.remove(wanted.getMetadata().getName());
      if (current == null) {
        create.add(wanted);
      } else if (!sameSpec(current, wanted)) {
        replace.add(wanted);
      }
    }
    for (CgroupIsolationNode leftover : existingByName.values()) {
      String node = leftover.getSpec() == null ? null : leftover.getSpec().nodeName;
      if (node == null || !liveNodes.contains(node)) {
        delete.add(leftover);
        continue;
      }
      CgroupIsolationNode emptied = DesiredNodeObjects.nodeObject(isolation, node, List.of());
      if (!sameSpec(leftover, emptied)) {
        replace.add(emptied);
      } else if (revertConfirmed(leftover)) {
        delete.add(leftover);
      }
    }
    return new InstructionPlan(create, replace, delete);
  }

  boolean isEmpty() {
    return create.isEmpty() && replaceSpec.isEmpty() && delete.isEmpty();
  }

  /**
   * Whether the agent has acted on the object's current spec and left no container isolated under
   * it: what an emptied (or Revert) object waits for before it may go.
   */
  static boolean revertConfirmed(CgroupIsolationNode object) {
    if (!StatusAggregator.reportsCurrentInstructions(object)) {
      return false;
    }
    var results = object.getStatus().containers;
    return results == null || results.stream().noneMatch(r -> r.phase == ContainerPhase.Isolated);
  }

  static boolean sameSpec(CgroupIsolationNode a, CgroupIsolationNode b) {
    return Json.same(a.getSpec(), b.getSpec());
  }
}
