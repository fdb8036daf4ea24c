package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

/**
 * Writes a CgroupIsolation's status as a whole: one JSON patch that replaces /status.
 *
 * <p>Why not the framework's status patch: without server-side apply it sends the difference
 * between the cached object and the new status, and the cache can lag behind the operator's own
 * previous write; a difference computed against a stale base ("remove /status/nodes/1") then fails
 * or, worse, applies to the wrong element. The operator is the status's only writer and always has
 * the complete status in hand, so replacing it whole is both simpler and always correct.
 */
final class StatusWriter {
  private final KubernetesClient client;

  StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  void replace(CgroupIsolation isolation, CgroupIsolationStatus status) {
    client
        .resources(CgroupIsolation.class)
        .inNamespace(isolation.getMetadata().getNamespace())
        .withName(isolation.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            Json.write(List.of(Map.of("op", "add", "path", "/status", "value", status))));
  }

  /** The latest stored status (not the cached one), or an empty one if none or gone. */
  CgroupIsolationStatus latest(CgroupIsolation isolation) {
    CgroupIsolation stored =
        client
            .resources(CgroupIsolation.class)
            .inNamespace(isolation.getMetadata().getNamespace())
            .withName(isolation.getMetadata().getName())
            .get();
    return stored == null || stored.getStatus() == null
        ? new CgroupIsolationStatus()
        : stored.getStatus();
  }
}
