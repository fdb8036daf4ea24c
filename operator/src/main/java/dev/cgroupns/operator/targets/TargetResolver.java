package dev.cgroupns.operator.targets;

import dev.cgroupns.api.selection.HostCgroupfsPaths;
import dev.cgroupns.api.selection.PodSelectorMatcher;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.operator.targets.SkippedPod.Reason;
import dev.cgroupns.operator.validation.CgroupIsolationValidator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Decides which pods a CgroupIsolation targets, node by node.
 *
 * <p>The selector picks candidates in the isolation's own namespace; then every safety exclusion
 * applies, whatever the selector says: opted-out pods, kube-system, this project's own pods, pods
 * that mount the host cgroupfs on purpose (unless the isolation includes them), pods not yet on a
 * node or already finished, and pods on nodes that left the cluster. Output is sorted, so the same
 * cluster state always gives the same instructions and nothing is rewritten needlessly.
 */
public final class TargetResolver {
  /** The label every pod of this project carries (operator and agents). */
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";

  public static final String PART_OF_VALUE = "cgroup-isolation";

  private TargetResolver() {}

  /**
   * @param isolation a validated CgroupIsolation
   * @param pods pods of the isolation's namespace (others are ignored)
   * @param liveNodes names of the nodes the cluster has now
   */
  public static Resolution resolve(
      CgroupIsolation isolation, Collection<Pod> pods, Set<String> liveNodes) {
    CgroupIsolationSpec spec = isolation.getSpec();
    String namespace = isolation.getMetadata().getNamespace();
    SortedMap<String, List<ResolvedPod>> byNode = new TreeMap<>();
    List<SkippedPod> skipped = new ArrayList<>();
    List<Pod> sorted =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> PodSelectorMatcher.matches(spec.podSelector, p.getMetadata().getLabels()))
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    for (Pod pod : sorted) {
      String name = pod.getMetadata().getName();
      String uid = pod.getMetadata().getUid();
      Optional<Reason> exclusion = exclusion(pod, spec, liveNodes);
      List<String> containers = containersToIsolate(pod, spec.containers);
      if (exclusion.isEmpty() && containers.isEmpty()) {
        exclusion = Optional.of(Reason.NoMatchingContainers);
      }
      if (exclusion.isEmpty()) {
        List<ResolvedPod> onNode =
            byNode.computeIfAbsent(pod.getSpec().getNodeName(), n -> new ArrayList<>());
        if (onNode.size() >= CgroupIsolationNodeSpec.MAX_PODS) {
          exclusion = Optional.of(Reason.TooManyPodsOnNode);
        } else {
          onNode.add(new ResolvedPod(name, uid, containers));
        }
      }
      exclusion.ifPresent(reason -> skipped.add(new SkippedPod(name, uid, reason)));
    }
    return new Resolution(byNode, skipped);
  }

  /** The first reason the pod must be left alone, if any; cheapest and most basic checks first. */
  static Optional<Reason> exclusion(Pod pod, CgroupIsolationSpec spec, Set<String> liveNodes) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (CgroupIsolationValidator.REFUSED_NAMESPACES.contains(pod.getMetadata().getNamespace())) {
      return Optional.of(Reason.SystemNamespace);
    }
    if (labels != null && PART_OF_VALUE.equals(labels.get(PART_OF_LABEL))) {
      return Optional.of(Reason.OwnComponent);
    }
    if (annotations != null && "true".equals(annotations.get(ApiGroup.OPT_OUT_ANNOTATION))) {
      return Optional.of(Reason.OptedOut);
    }
    if (spec.hostCgroupfsPods != HostCgroupfsPolicy.Include && mountsHostCgroupfs(pod)) {
      return Optional.of(Reason.HostCgroupfs);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || "Succeeded".equals(phase)
        || "Failed".equals(phase)) {
      return Optional.of(Reason.Terminated);
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null || node.isEmpty()) {
      return Optional.of(Reason.NotScheduled);
    }
    if (!liveNodes.contains(node)) {
      return Optional.of(Reason.NodeGone);
    }
    return Optional.empty();
  }

  /** Whether a hostPath volume exposes the host cgroupfs ({@link HostCgroupfsPaths}). */
  public static boolean mountsHostCgroupfs(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return false;
    }
    return pod.getSpec().getVolumes().stream()
        .map(Volume::getHostPath)
        .filter(Objects::nonNull)
        .anyMatch(hostPath -> HostCgroupfsPaths.exposesHostCgroupfs(hostPath.getPath()));
  }

  private static List<String> containersToIsolate(Pod pod, List<String> wanted) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return List.of();
    }
    return pod.getSpec().getContainers().stream()
        .map(Container::getName)
        .filter(name -> wanted == null || wanted.isEmpty() || wanted.contains(name))
        .sorted()
        .toList();
  }
}
