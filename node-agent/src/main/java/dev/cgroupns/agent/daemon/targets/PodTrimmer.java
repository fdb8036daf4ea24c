package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.Map;

/**
 * Cuts a pod down to what a pass reads: name, namespace, UID, the name label and opt-out annotation
 * ({@link Protection}), node, container names, and each container status's name, ID and state kind.
 *
 * <p>Why: the agent caches every pod of its node for its whole life. A full pod (managed fields,
 * container specs with env and probes, conditions) is several KB of heap; the trimmed one a few
 * hundred bytes, which is what lets the agent's heap stay small on a full node. Comparing trimmed
 * pods also tells which pod updates matter: the kubelet's frequent status updates (readiness,
 * conditions, restart counts) change nothing here and start no pass.
 */
public final class PodTrimmer {
  private PodTrimmer() {}

  public static Pod trim(Pod pod) {
    Pod trimmed = new Pod();
    ObjectMeta meta = pod.getMetadata();
    if (meta != null) {
      ObjectMeta kept = new ObjectMeta();
      kept.setName(meta.getName());
      kept.setNamespace(meta.getNamespace());
      kept.setUid(meta.getUid());
      kept.setResourceVersion(meta.getResourceVersion());
      kept.setLabels(only(meta.getLabels(), Protection.NAME_LABEL));
      kept.setAnnotations(only(meta.getAnnotations(), ApiGroup.OPT_OUT_ANNOTATION));
      trimmed.setMetadata(kept);
    }
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      PodSpec kept = new PodSpec();
      kept.setNodeName(spec.getNodeName());
      kept.setContainers(
          spec.getContainers() == null
              ? null
              : spec.getContainers().stream().map(PodTrimmer::containerName).toList());
      trimmed.setSpec(kept);
    }
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus kept = new PodStatus();
      kept.setContainerStatuses(
          status.getContainerStatuses() == null
              ? null
              : status.getContainerStatuses().stream().map(PodTrimmer::containerStatus).toList());
      trimmed.setStatus(kept);
    }
    return trimmed;
  }

  /** Whether two versions of a pod differ in anything a pass reads. */
  public static boolean sameForPasses(Pod older, Pod newer) {
    Pod a = trim(older);
    Pod b = trim(newer);
    a.getMetadata().setResourceVersion(null);
    b.getMetadata().setResourceVersion(null);
    return a.equals(b);
  }

  private static Container containerName(Container container) {
    Container kept = new Container();
    kept.setName(container.getName());
    return kept;
  }

  private static ContainerStatus containerStatus(ContainerStatus status) {
    ContainerStatus kept = new ContainerStatus();
    kept.setName(status.getName());
    kept.setContainerID(status.getContainerID());
    ContainerState state = status.getState();
    if (state != null) {
      ContainerState kind = new ContainerState();
      if (state.getRunning() != null) {
        kind.setRunning(new ContainerStateRunning());
      }
      if (state.getTerminated() != null) {
        kind.setTerminated(new ContainerStateTerminated());
      }
      if (state.getWaiting() != null) {
        kind.setWaiting(new ContainerStateWaiting());
      }
      kept.setState(kind);
    }
    return kept;
  }

  private static Map<String, String> only(Map<String, String> map, String key) {
    if (map == null || map.get(key) == null) {
      return null;
    }
    return Map.of(key, map.get(key));
  }
}
