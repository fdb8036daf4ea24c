package dev.cgroupns.e2e.lifecycle;

import static dev.cgroupns.e2e.lifecycle.ViewAssertions.seesTheHostViewAgain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.testbed.cluster.AuditLog;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-node objects belong to their CgroupIsolation through owner references, so the real
 * controller-manager's garbage collector removes them even when the operator never gets to: here
 * the operator is down and an administrator removed the finalizer by hand, the escape hatch of a
 * stuck deletion. The agent sees its node object go and reverts the containers by itself.
 */
class GarbageCollectionTest extends ClusterPerTest {

  private static final String GARBAGE_COLLECTOR =
      "system:serviceaccount:kube-system:generic-garbage-collector";

  @Test
  void theGarbageCollectorRemovesTheNodeObjectsOfADeletedIsolation() throws Exception {
    E2ePod pod = cluster.startPod("web-0", WEB);
    ContainerView before = cluster.seenBy(pod);
    cluster.apply(Isolations.selecting("web", WEB));
    cluster.awaitReady("web");
    CgroupIsolationNode object = cluster.nodeObject("web");
    assertThat(object.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("CgroupIsolation"));

    cluster.stopOperator();
    cluster
        .client()
        .resources(CgroupIsolation.class)
        .inNamespace(cluster.namespace())
        .withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    cluster.delete("web");
    cluster.awaitGone("web");

    E2eCluster.waiting("the node object to be garbage-collected")
        .until(() -> cluster.nodeObjects("web").isEmpty());
    List<AuditLog.Entry> deletions =
        cluster
            .controlPlane()
            .auditLog()
            .entries(
                e ->
                    e.verb().equals("delete")
                        && e.resource().equals("cgroupisolationnodes")
                        && e.name().equals(object.getMetadata().getName()));
    assertThat(deletions)
        .as("who deleted %s", object.getMetadata().getName())
        .extracting(AuditLog.Entry::user)
        .contains(GARBAGE_COLLECTOR);

    E2eCluster.waiting("the agent to revert once its instructions are gone")
        .until(() -> cluster.revertRecords().isEmpty());
    seesTheHostViewAgain(pod, cluster.seenBy(pod), before);
  }
}
