package dev.cgroupns.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the user asked for.
 *
 * @param repository the project checkout (crds/, manifests/samples/)
 * @param once exit after Ready and the views instead of running until Ctrl-C
 * @param apiOnly only the Kubernetes control plane with the project's manifests (no root needed)
 * @param kubeconfig a kubeconfig of a cluster to use instead of the sandbox's own, or null
 * @param useCurrentContext use the current context of the default kubeconfig instead
 * @param nodeName the node the agent and the demo pods are on
 * @param pods how many demo pods
 * @param podsKind what runs the demo pods: asked for, before {@link Preflight#choosePods} decides
 * @param readyTimeout how long to wait for Ready
 */
public record SandboxOptions(
    Path repository,
    boolean once,
    boolean apiOnly,
    Path kubeconfig,
    boolean useCurrentContext,
    String nodeName,
    int pods,
    PodsKind podsKind,
    Duration readyTimeout) {

  public SandboxOptions {
    if (!nodeName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("--node-name must be a DNS subdomain name: " + nodeName);
    }
    if (pods < 1 || pods > 20) {
      throw new IllegalArgumentException("--pods must be between 1 and 20");
    }
    if (kubeconfig != null && useCurrentContext) {
      throw new IllegalArgumentException("use either --kubeconfig or --use-current-context");
    }
    if (podsKind == PodsKind.KUBELET && (kubeconfig != null || useCurrentContext)) {
      throw new IllegalArgumentException(
          "--pods-kind kubelet starts a node of the sandbox's own control plane; on another"
              + " cluster the demo pods are runc containers (--pods-kind runc or auto)");
    }
  }

  /** The sandbox starts its own Kubernetes control plane (the default). */
  public boolean localControlPlane() {
    return kubeconfig == null && !useCurrentContext;
  }

  public Path sample() {
    return repository.resolve("manifests/samples/cgroupisolation-basic.yaml");
  }
}
