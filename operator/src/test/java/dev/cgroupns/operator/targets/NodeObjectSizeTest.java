package dev.cgroupns.operator.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.operator.testing.RealisticNodeObject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Measures the serialized size of a CgroupIsolationNode for a full node, as the operator writes its
 * spec and as the agent fills its status. The README's Scale section quotes the printed figures.
 */
class NodeObjectSizeTest {
  @Test
  void aFullNodeObjectStaysFarBelowTheObjectSizeLimit() {
    int specBytes = bytes(RealisticNodeObject.instructed());
    int fullBytes = bytes(RealisticNodeObject.reported());
    int containers = RealisticNodeObject.PODS * RealisticNodeObject.CONTAINERS_PER_POD;
    System.out.printf(
        "CgroupIsolationNode, %d pods x %d containers: %d bytes as instructed, %d bytes with"
            + " the agent's status (%d bytes per container)%n",
        RealisticNodeObject.PODS,
        RealisticNodeObject.CONTAINERS_PER_POD,
        specBytes,
        fullBytes,
        fullBytes / containers);
    // etcd refuses objects over 1.5 MiB; stay an order of magnitude below, whatever the node.
    assertThat(fullBytes).isLessThan(256 * 1024);
    assertThat(specBytes).isLessThan(16 * 1024);
  }

  static int bytes(Object object) {
    return Serialization.asJson(object).getBytes(StandardCharsets.UTF_8).length;
  }
}
