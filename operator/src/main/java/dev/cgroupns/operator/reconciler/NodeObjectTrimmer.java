package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;

/**
 * Cuts a cached CgroupIsolationNode down to what the operator reads: metadata, the whole spec (its
 * own instructions, compared on every reconciliation), and from the agent's status only the
 * generation it acted on, whether it isolates at creation, and each container's identity, phase and
 * message.
 *
 * <p>Why: the agent's per-container views (cgroup paths, mounts, container ID) make up most of a
 * node object, about 780 bytes per container; the operator never reads them, and across thousands
 * of nodes caching them would dominate its memory.
 */
final class NodeObjectTrimmer {
  private NodeObjectTrimmer() {}

  static CgroupIsolationNode trim(CgroupIsolationNode object) {
    var meta = object.getMetadata();
    CgroupIsolationNode trimmed = new CgroupIsolationNode();
    trimmed.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withGeneration(meta.getGeneration())
            .withLabels(meta.getLabels())
            .withAnnotations(meta.getAnnotations())
            .withOwnerReferences(meta.getOwnerReferences())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .build());
    trimmed.setSpec(object.getSpec());
    CgroupIsolationNodeStatus status = object.getStatus();
    if (status != null) {
      CgroupIsolationNodeStatus kept = new CgroupIsolationNodeStatus();
      kept.observedGeneration = status.observedGeneration;
      kept.summary = status.summary;
      kept.atCreation = status.atCreation;
      kept.containers = new ArrayList<>();
      if (status.containers != null) {
        for (ContainerResult result : status.containers) {
          ContainerResult slim = new ContainerResult();
          slim.pod = result.pod;
          slim.podUID = result.podUID;
          slim.container = result.container;
          slim.phase = result.phase;
          slim.message = result.message;
          slim.lastTransitionTime = result.lastTransitionTime;
          slim.hostCgroupPaths = null;
          kept.containers.add(slim);
        }
      }
      trimmed.setStatus(kept);
    }
    return trimmed;
  }
}
