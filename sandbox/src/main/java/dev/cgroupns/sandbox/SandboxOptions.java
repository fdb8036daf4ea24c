package dev.cgroupns.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the user asked for.
 *
 * @param repository the project checkout (crds/, manifests/samples/)
 * @param once exit after Ready and the views instead of running until Ctrl-C
 * @param apiOnly only the embedded endpoint with the CRDs (no root needed)
 * @param kubeconfig a kubeconfig of a real cluster to use instead of the embedded endpoint, or null
 * @param useCurrentContext use the current context of the default kubeconfig instead
 * @param nodeName the node the agent and the demo pods are on
 * @param pods how many demo pods
 * @param port the embedded endpoint's port (0: any free port)
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
    int port,
    Duration readyTimeout) {

  public SandboxOptions {
    if (!nodeName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("--node-name must be a DNS subdomain name: " + nodeName);
    }
    if (pods < 1 || pods > 20) {
      throw new IllegalArgumentException("--pods must be between 1 and 20");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535");
    }
    if (kubeconfig != null && useCurrentContext) {
      throw new IllegalArgumentException("use either --kubeconfig or --use-current-context");
    }
  }

  public boolean embeddedApi() {
    return kubeconfig == null && !useCurrentContext;
  }

  public Path crds() {
    return repository.resolve("crds");
  }

  public Path sample() {
    return repository.resolve("manifests/samples/cgroupisolation-basic.yaml");
  }
}
