package dev.cgroupns.operator.targets;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.operator.naming.Names;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the CgroupIsolationNode objects a resolution calls for: one per (isolation, node), named
 * deterministically, labelled for the agents' label selector, owned by the isolation (so the
 * garbage collector removes them with it) and carrying the instructions.
 */
public final class DesiredNodeObjects {
  static final int MAX_NAME = 253;
  static final int HASH_CHARS = 10;

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "cgroup-isolation-operator";

  private DesiredNodeObjects() {}

  /** One object per node of the resolution, in node order. */
  public static List<CgroupIsolationNode> build(CgroupIsolation isolation, Resolution resolution) {
    List<CgroupIsolationNode> objects = new ArrayList<>();
    resolution
        .podsByNode()
        .forEach(
            (node, pods) ->
                objects.add(
                    nodeObject(
                        isolation, node, pods.stream().map(ResolvedPod::toTarget).toList())));
    return objects;
  }

  /** The object for one node; an empty pod list tells the agent to revert whatever it isolated. */
  public static CgroupIsolationNode nodeObject(
      CgroupIsolation isolation, String node, List<PodTarget> pods) {
    var meta = isolation.getMetadata();
    CgroupIsolationSpec spec = isolation.getSpec();
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(objectName(meta.getName(), node))
            .withNamespace(meta.getNamespace())
            .withLabels(
                Map.of(
                    ApiGroup.NODE_LABEL,
                    LabelValues.ofName(node),
                    ApiGroup.ISOLATION_LABEL,
                    LabelValues.ofName(meta.getName()),
                    MANAGED_BY_LABEL,
                    MANAGED_BY_VALUE))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(isolation.getApiVersion())
                    .withKind(isolation.getKind())
                    .withName(meta.getName())
                    .withUid(meta.getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    CgroupIsolationNodeSpec nodeSpec = new CgroupIsolationNodeSpec();
    nodeSpec.nodeName = node;
    nodeSpec.isolationName = meta.getName();
    nodeSpec.isolationGeneration = meta.getGeneration();
    nodeSpec.action = NodeAction.Apply;
    // Defaults spelled out: a field left to the API server's defaulting would differ from the
    // stored object on every comparison, and be rewritten on every reconciliation.
    nodeSpec.mode = spec.mode == null ? IsolationMode.Enforce : spec.mode;
    nodeSpec.readOnly = spec.readOnlyOrDefault();
    nodeSpec.podSelector = copyOf(spec.podSelector);
    nodeSpec.hostCgroupfsPods =
        spec.hostCgroupfsPods == null ? HostCgroupfsPolicy.Skip : spec.hostCgroupfsPods;
    // An empty list rather than null, so a stored object with an empty list compares equal.
    nodeSpec.containers = spec.containers == null ? List.of() : List.copyOf(spec.containers);
    nodeSpec.pods = new ArrayList<>(pods);
    object.setSpec(nodeSpec);
    return object;
  }

  /**
   * A copy, so a later change to the isolation's object is never a change to the node object's;
   * absent parts stay absent, as the stored object has them.
   */
  static PodSelector copyOf(PodSelector selector) {
    if (selector == null) {
      return null;
    }
    List<LabelSelectorRequirement> expressions =
        selector.matchExpressions == null
            ? null
            : selector.matchExpressions.stream()
                .map(
                    r ->
                        new LabelSelectorRequirement(
                            r.key, r.operator, r.values == null ? null : List.copyOf(r.values)))
                .toList();
    return new PodSelector(
        selector.matchLabels == null ? null : new TreeMap<>(selector.matchLabels), expressions);
  }

  /**
   * {@code <isolation>-<hash of node>}: unique per node, stable across restarts, and within the 253
   * characters of an object name however long both names are. The node name itself is not used
   * because isolation name plus node name may exceed the limit.
   */
  public static String objectName(String isolationName, String nodeName) {
    String prefix = Names.trimEnd(isolationName, MAX_NAME - HASH_CHARS - 1);
    return prefix + "-" + Names.shortHash(nodeName, HASH_CHARS);
  }
}
