package dev.cgroupns.operator.testing;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.PodSelector;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/** Builders for the objects tests need, with realistic defaults. */
public final class Fixtures {
  private Fixtures() {}

  /** A running pod bound to a node, with the given labels and one container per name. */
  public static Pod pod(
      String namespace,
      String name,
      String node,
      Map<String, String> labels,
      String... containers) {
    String[] names = containers.length == 0 ? new String[] {"app"} : containers;
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withUid(UUID.randomUUID().toString())
                .withLabels(labels)
                .build())
        .withNewSpec()
        .withNodeName(node)
        .withContainers(
            Arrays.stream(names)
                .map(c -> new ContainerBuilder().withName(c).withImage("busybox:1.36").build())
                .toList())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  public static Node node(String name) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid(UUID.randomUUID().toString())
        .endMetadata()
        .build();
  }

  /** A CgroupIsolation selecting pods by matchLabels, with the API's defaults. */
  public static CgroupIsolation isolation(
      String namespace, String name, Map<String, String> matchLabels) {
    CgroupIsolation isolation = new CgroupIsolation();
    isolation.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withUid(UUID.randomUUID().toString())
            .withGeneration(1L)
            .build());
    CgroupIsolationSpec spec = new CgroupIsolationSpec();
    spec.podSelector = new PodSelector(matchLabels, null);
    isolation.setSpec(spec);
    return isolation;
  }
}
