package dev.cgroupns.e2e.bench;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;

/**
 * The bench's pods and its CgroupIsolation in one namespace, from watches. The rounds wait on these
 * caches every 20 ms; asking the API server instead (a pod list and a get each time) added a
 * hundred requests a second to the machine being measured.
 */
final class NamespaceCache implements AutoCloseable {
  private final String namespace;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<CgroupIsolation> isolations;

  NamespaceCache(KubernetesClient client, String namespace) {
    this.namespace = namespace;
    this.pods = client.pods().inNamespace(namespace).inform();
    this.isolations = client.resources(CgroupIsolation.class).inNamespace(namespace).inform();
  }

  /** The pods labelled {@code round=<round>}. */
  List<Pod> roundPods(String round) {
    return pods.getStore().list().stream()
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(p -> round.equals(p.getMetadata().getLabels().get("round")))
        .toList();
  }

  /** The status's count of isolated containers of the isolation {@code name}; 0 without one. */
  int isolated(String name) {
    CgroupIsolation isolation = isolations.getStore().getByKey(namespace + "/" + name);
    return isolation == null
            || isolation.getStatus() == null
            || isolation.getStatus().isolated == null
        ? 0
        : isolation.getStatus().isolated;
  }

  @Override
  public void close() {
    pods.close();
    isolations.close();
  }
}
