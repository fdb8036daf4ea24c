package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.TestClusters;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission policy and the agent's RBAC on a real API server, with tokens the API server issued
 * for agent pods on real Node objects: node A's agent may write its own node's results and nothing
 * of node B's, and an agent on a node with a 253-character name (whose label value is shortened) is
 * served like any other.
 */
class NodeScopeOnRealApiServerTest {

  private static final String NODE_A = "policy-node-a";
  private static final String NODE_B = "policy-node-b";

  /** The longest node name there is: four DNS labels, 253 characters. */
  static final String LONG_NODE =
      "l".repeat(63) + "." + "o".repeat(63) + "." + "n".repeat(63) + "." + "g".repeat(61);

  private static LocalControlPlane cluster;
  private static String namespace;

  @BeforeAll
  static void install() {
    cluster = TestClusters.withProject();
    for (String node : List.of(NODE_A, NODE_B, LONG_NODE)) {
      cluster
          .adminClient()
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .createOr(r -> r.update());
    }
    namespace = cluster.newNamespace("policy");
    for (String node : List.of(NODE_A, NODE_B, LONG_NODE)) {
      cluster.adminClient().resource(nodeObject(node)).create();
    }
  }

  @Test
  void theLongNodeNameIsTheLongestANodeCanHave() {
    assertThat(LONG_NODE).hasSize(253);
  }

  @Test
  void anAgentMayReportResultsForItsOwnNode() {
    try (KubernetesClient agentA = agentOn(NODE_A)) {
      CgroupIsolationNode patched = reportStatus(agentA, NODE_A);
      assertThat(patched.getStatus().agent).isEqualTo("agent-on-" + NODE_A);
    }
  }

  @Test
  void anAgentMayNotReportResultsForAnotherNode() {
    try (KubernetesClient agentA = agentOn(NODE_A)) {
      assertThatThrownBy(() -> reportStatus(agentA, NODE_B))
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("may change only CgroupIsolationNode objects of its own node");
              });
    }
  }

  @Test
  void anAgentOnANodeWithA253CharacterNameMayReportForItsOwnNode() {
    try (KubernetesClient agent = agentOn(LONG_NODE)) {
      CgroupIsolationNode patched = reportStatus(agent, LONG_NODE);
      assertThat(patched.getStatus().agent).isEqualTo("agent-on-" + LONG_NODE);
    }
  }

  @Test
  void anAgentMayNotCreateOrDeleteNodeObjects() {
    try (KubernetesClient agentA = agentOn(NODE_A)) {
      CgroupIsolationNode own = nodeObject(NODE_A);
      own.getMetadata().setName(own.getMetadata().getName() + "-forged");
      assertThatThrownBy(() -> agentA.resource(own).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(
              () ->
                  agentA
                      .resources(CgroupIsolationNode.class)
                      .inNamespace(namespace)
                      .withName(objectName(NODE_B))
                      .delete())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  /** The status patch the agent sends: a merge patch of the status subresource. */
  private static CgroupIsolationNode reportStatus(KubernetesClient agent, String node) {
    return agent
        .resources(CgroupIsolationNode.class)
        .inNamespace(namespace)
        .withName(objectName(node))
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"observedGeneration\":1,\"agent\":\"agent-on-" + node + "\"}}");
  }

  private static KubernetesClient agentOn(String node) {
    return new KubernetesClientBuilder().withConfig(PodIdentities.nodeAgent(cluster, node)).build();
  }

  private static String objectName(String node) {
    return DesiredNodeObjects.objectName("web", node);
  }

  private static CgroupIsolationNode nodeObject(String node) {
    CgroupIsolation isolation = new CgroupIsolation();
    isolation.setMetadata(
        new ObjectMetaBuilder()
            .withName("web")
            .withNamespace(namespace)
            .withUid("00000000-0000-0000-0000-000000000001")
            .withGeneration(1L)
            .build());
    isolation.setSpec(new CgroupIsolationSpec());
    isolation.getSpec().podSelector = new PodSelector();
    CgroupIsolationNode object = DesiredNodeObjects.nodeObject(isolation, node, List.of());
    // No owner here: the garbage collector would delete objects whose owner does not exist.
    object.getMetadata().setOwnerReferences(List.of());
    return object;
  }
}
