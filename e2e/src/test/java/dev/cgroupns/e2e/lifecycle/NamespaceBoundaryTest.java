package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;

/**
 * A CgroupIsolation acts only on pods of its own namespace: one in another namespace whose selector
 * matches the pods' labels selects nothing, instructs no agent and changes no container.
 */
class NamespaceBoundaryTest extends ClusterPerTest {
  private static final String OTHER_NAMESPACE = "team-b";

  @Test
  void anIsolationInAnotherNamespaceLeavesThesePodsAlone() {
    E2ePod pod = cluster.startPod("web-0", WEB);
    ContainerView before = cluster.seenBy(pod);
    cluster
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OTHER_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    CgroupIsolation elsewhere = Isolations.selecting("web", WEB);
    elsewhere.getMetadata().setNamespace(OTHER_NAMESPACE);
    cluster.apply(elsewhere);

    CgroupIsolation ready =
        E2eCluster.waiting("CgroupIsolation " + OTHER_NAMESPACE + "/web")
            .until(
                () ->
                    cluster
                        .client()
                        .resources(CgroupIsolation.class)
                        .inNamespace(OTHER_NAMESPACE)
                        .withName("web")
                        .get(),
                i -> i != null && IsolationConditions.readyForCurrentGeneration(i));

    assertThat(IsolationConditions.condition(ready, "Ready").orElseThrow().getReason())
        .isEqualTo("NoMatchingPods");
    assertThat(ready.getStatus().matched).isZero();
    assertThat(
            cluster
                .client()
                .resources(CgroupIsolationNode.class)
                .inAnyNamespace()
                .list()
                .getItems())
        .isEmpty();
    seesTheHostViewAgain(pod, cluster.seenBy(pod), before);
    assertThat(cluster.revertRecords()).isEmpty();
  }
}
