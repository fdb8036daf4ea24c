package dev.cgroupns.agent.daemon.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;

/** Decides whether a new status says anything the stored one does not. */
public final class StatusComparison {
  private StatusComparison() {}

  /** Equal as JSON, apart from lastVerified (which alone is not worth a write). */
  public static boolean sameApartFromLastVerified(
      CgroupIsolationNodeStatus a, CgroupIsolationNodeStatus b) {
    return Objects.equals(tree(a), tree(b));
  }

  private static JsonNode tree(CgroupIsolationNodeStatus status) {
    if (status == null) {
      return null;
    }
    JsonNode node = Serialization.jsonMapper().valueToTree(status);
    if (node instanceof ObjectNode object) {
      object.remove("lastVerified");
    }
    return node;
  }
}
