package dev.cgroupns.operator.targets;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;

/**
 * Cuts a pod down to the fields the operator decides on: name, namespace, UID, labels, the opt-out
 * annotation, deletion mark, node, phase, container names and hostPath volumes.
 *
 * <p>Why: the operator caches the pods of every namespace it watches, and a full pod (managed
 * fields, container specs, env, status conditions) weighs 5 to 20 KB; the trimmed one a few hundred
 * bytes. The same trim tells which pod updates matter: kubelet status updates (probes, restarts,
 * conditions) change nothing the operator decides on, so they are dropped before any
 * reconciliation. Container restarts need no new instructions either: the agent finds containers
 * from its own view of the pod.
 */
public final class PodTrimmer {
  private PodTrimmer() {}

  /** The trimmed copy that goes into the cache. */
  public static Pod trim(Pod pod) {
    Pod trimmed = trimIgnoringVersion(pod);
    trimmed.getMetadata().setResourceVersion(pod.getMetadata().getResourceVersion());
    return trimmed;
  }

  /** Whether two versions of a pod differ in anything target resolution looks at. */
  public static boolean sameForTargeting(Pod older, Pod newer) {
    return trimIgnoringVersion(older).equals(trimIgnoringVersion(newer));
  }

  private static Pod trimIgnoringVersion(Pod pod) {
    var meta = pod.getMetadata();
    Map<String, String> annotations = meta.getAnnotations();
    String optOut = annotations == null ? null : annotations.get(ApiGroup.OPT_OUT_ANNOTATION);
    var spec = pod.getSpec();
    List<Container> containers =
        spec == null || spec.getContainers() == null
            ? List.of()
            : spec.getContainers().stream()
                .map(c -> new ContainerBuilder().withName(c.getName()).build())
                .toList();
    List<Volume> hostVolumes =
        spec == null || spec.getVolumes() == null
            ? List.of()
            : spec.getVolumes().stream()
                .filter(v -> v.getHostPath() != null)
                .map(
                    v ->
                        new VolumeBuilder()
                            .withName(v.getName())
                            .withNewHostPath()
                            .withPath(v.getHostPath().getPath())
                            .endHostPath()
                            .build())
                .toList();
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withLabels(meta.getLabels() == null ? Map.of() : meta.getLabels())
                .withAnnotations(
                    optOut == null ? Map.of() : Map.of(ApiGroup.OPT_OUT_ANNOTATION, optOut))
                .withDeletionTimestamp(meta.getDeletionTimestamp())
                .build())
        .withSpec(
            new PodSpecBuilder()
                .withNodeName(spec == null ? null : spec.getNodeName())
                .withContainers(containers)
                .withVolumes(hostVolumes)
                .build())
        .withStatus(
            new PodStatusBuilder()
                .withPhase(pod.getStatus() == null ? null : pod.getStatus().getPhase())
                .build())
        .build();
  }
}
