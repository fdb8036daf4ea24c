package dev.cgroupns.sandbox.cluster;

import dev.cgroupns.testbed.kube.CrdInstaller;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.List;

/**
 * A cluster the user chose ({@code --kubeconfig}, {@code --use-current-context}): everything acts
 * with the user's own credentials, and only the CRDs are installed, so that the sandbox changes no
 * RBAC or admission in someone's cluster.
 */
public final class ExistingCluster implements ClusterAccess, AutoCloseable {

  private final Config config;
  private final KubernetesClient client;

  public ExistingCluster(Config config) {
    this.config = config;
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  public String serverUrl() {
    return config.getMasterUrl();
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String install(Path checkout) {
    List<String> crds = new CrdInstaller(client).install(checkout.resolve("crds"));
    return "installed CRDs " + String.join(", ", crds);
  }

  @Override
  public Config operator() {
    return config;
  }

  @Override
  public Config nodeAgent(String nodeName) {
    return config;
  }

  @Override
  public List<String> kubectlSetup() {
    return List.of();
  }

  @Override
  public void close() {
    client.close();
  }
}
