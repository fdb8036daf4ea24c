package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.e2e.bench.ApiWriteCounter.Target;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.kube.CrdInstaller;
import dev.cgroupns.testbed.kube.ProjectCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' stand-ins against the real API server: simulated agents answer each generation of
 * their nodes' objects once, and the write counter counts by target and leaves reads out.
 */
class SimulatedAgentsTest {
  private String ns;
  private KubernetesClient client;
  private ApiWriteCounter writes;

  @BeforeEach
  void startEndpoint() {
    LocalControlPlane api = TestClusters.controlPlane();
    client = api.adminClient();
    new CrdInstaller(client).install(ProjectCrds.directory());
    ns = api.newNamespace("simulated");
    String namespace = ns;
    writes = new ApiWriteCounter(api.auditLog(), e -> e.namespace().equals(namespace));
  }

  @AfterEach
  void deleteNamespace() {
    // Null when the set-up was skipped (no Kubernetes binaries) or stopped before the namespace.
    if (ns != null) {
      client.namespaces().withName(ns).delete();
    }
  }

  @Test
  void answersEveryGenerationOnceAndOnlyOnItsOwnNodes() throws Exception {
    List<String> nodes = SimulatedNodes.names("sim", 2);
    List<Pod> pods =
        SimulatedNodes.create(client, nodes, ns, 2, k -> Map.of("app", "x"), "app", "sidecar");
    assertThat(pods).extracting(p -> p.getSpec().getNodeName()).containsOnlyElementsOf(nodes);
    ApiWriteCounter.Counts before = writes.snapshot();

    try (SimulatedAgents agents =
        SimulatedAgents.start(client, List.of("sim-000"), ContainerPhase.Isolated, 2)) {
      CgroupIsolationNode mine =
          client.resource(nodeObject("sim-000", pods.subList(0, 2))).create();
      CgroupIsolationNode other =
          client.resource(nodeObject("sim-001", pods.subList(2, 4))).create();

      CgroupIsolationNode answered = awaitAnswered(mine, 1);
      assertThat(answered.getStatus().summary.isolated).isEqualTo(4);
      assertThat(answered.getStatus().containers)
          .extracting(r -> r.container)
          .containsExactlyInAnyOrder("app", "sidecar", "app", "sidecar");

      client
          .resource(answered)
          .edit(
              o -> {
                o.getSpec().action = NodeAction.Revert;
                return o;
              });
      CgroupIsolationNode reverted = awaitAnswered(mine, 2);
      assertThat(reverted.getStatus().summary.reverted).isEqualTo(4);

      // No simulated agent for sim-001: its object stays unanswered.
      assertThat(client.resource(other).get().getStatus()).isNull();
    }
    ApiWriteCounter.Counts counted = writes.snapshot().minus(before);
    assertThat(counted.byTarget())
        .containsEntry(Target.AGENT_STATUS, 2)
        // the two objects created and the one spec edit
        .containsEntry(Target.NODE_OBJECT, 3)
        .containsEntry(Target.OTHER, 0);
    assertThat(counted.total()).isEqualTo(5);
  }

  private CgroupIsolationNode awaitAnswered(CgroupIsolationNode object, long generation) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resource(object).get(),
            o ->
                o.getMetadata().getGeneration() == generation
                    && o.getStatus() != null
                    && o.getStatus().observedGeneration == generation);
  }

  private CgroupIsolationNode nodeObject(String node, List<Pod> pods) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName("iso-" + node)
            .withLabels(
                Map.of(
                    ApiGroup.NODE_LABEL, LabelValues.ofName(node), ApiGroup.ISOLATION_LABEL, "iso"))
            .build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = node;
    spec.isolationName = "iso";
    spec.isolationGeneration = 1L;
    spec.pods =
        pods.stream()
            .map(p -> new PodTarget(p.getMetadata().getName(), p.getMetadata().getUid()))
            .toList();
    object.setSpec(spec);
    return object;
  }
}
