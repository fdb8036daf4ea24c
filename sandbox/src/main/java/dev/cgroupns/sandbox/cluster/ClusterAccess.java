package dev.cgroupns.sandbox.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;

/** The API server the sandbox works with, and as whom each of its parts connects. */
public interface ClusterAccess {

  /** The sandbox's own client: installs, the demo Pod and Node objects, the sample. */
  KubernetesClient client();

  /**
   * Installs what the operator and the agent need in this cluster.
   *
   * @return one line saying what was installed
   */
  String install(Path checkout);

  /** How the operator connects. */
  Config operator();

  /** How the agent of {@code nodeName} connects; the Node object must exist. */
  Config nodeAgent(String nodeName);

  /** The lines a user pastes into a shell to run kubectl against this cluster (may be none). */
  List<String> kubectlSetup();
}
