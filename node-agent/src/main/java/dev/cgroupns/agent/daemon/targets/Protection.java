package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pods the agent never isolates, whatever its instructions say. The operator filters them too; the
 * agent checks again because it is the component that can do harm (defense in depth).
 *
 * @param ownNamespace the agent pod's namespace (POD_NAMESPACE), null outside a pod
 * @param ownName the agent pod's name (POD_NAME), null outside a pod
 */
public record Protection(String ownNamespace, String ownName) {
  public static final String KUBE_SYSTEM = "kube-system";

  /** The project's own components, by the label their manifests set. */
  static final Set<String> OWN_COMPONENTS =
      Set.of("cgroup-isolation-operator", "cgroup-isolation-node-agent");

  static final String NAME_LABEL = "app.kubernetes.io/name";

  /** Why the pod must be left alone, or empty when the agent may act on it. */
  public Optional<String> leaveAlone(Pod pod) {
    return leaveAlone(pod.getMetadata());
  }

  /**
   * The same rules on a pod's metadata alone: all a container runtime tells about a pod it creates
   * a container for.
   */
  public Optional<String> leaveAlone(ObjectMeta meta) {
    if (KUBE_SYSTEM.equals(meta.getNamespace())) {
      return Optional.of("pods in kube-system are never isolated");
    }
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null && "true".equals(annotations.get(ApiGroup.OPT_OUT_ANNOTATION))) {
      return Optional.of("opted out with " + ApiGroup.OPT_OUT_ANNOTATION + "=true");
    }
    if (ownName != null
        && ownName.equals(meta.getName())
        && (ownNamespace == null || ownNamespace.equals(meta.getNamespace()))) {
      return Optional.of("this is the node agent's own pod");
    }
    Map<String, String> labels = meta.getLabels();
    String component = labels == null ? null : labels.get(NAME_LABEL);
    if (component != null && OWN_COMPONENTS.contains(component)) {
      return Optional.of("pods of cgroup-isolation itself are never isolated");
    }
    return Optional.empty();
  }
}
