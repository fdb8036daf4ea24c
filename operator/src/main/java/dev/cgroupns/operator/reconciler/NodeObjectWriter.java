package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;

/**
 * The only code that writes CgroupIsolationNode specs. Uses create, JSON patch and delete, never
 * server-side apply: each write replaces the whole spec, or one field of it (the operator is the
 * spec's only writer), so there is no field ownership to negotiate.
 *
 * <p>JSON patch "add" (which replaces an existing member) rather than a merge patch or server-side
 * apply, checked on a real kube-apiserver: a merge patch would replace the arrays whole too, but
 * cannot say "replace the spec" without listing every field to clear; server-side apply would make
 * the API server track field ownership of a spec that has exactly one writer, and turn an
 * accidental second writer into a conflict the operator would then force anyway. One request per
 * change either way; the end-to-end benchmarks count them.
 */
final class NodeObjectWriter {
  private final KubernetesClient client;

  NodeObjectWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Creates the object; if it exists already (a stale cache), replaces its spec instead. */
  CgroupIsolationNode create(CgroupIsolationNode desired) {
    try {
      return client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return replaceSpec(desired);
      }
      throw e;
    }
  }

  /** Replaces the whole spec. */
  CgroupIsolationNode replaceSpec(CgroupIsolationNode desired) {
    return patch(desired, "/spec", desired.getSpec());
  }

  /** Tells the object's agent to revert everything the object ever isolated. */
  CgroupIsolationNode markRevert(CgroupIsolationNode existing) {
    return patch(existing, "/spec/action", NodeAction.Revert);
  }

  /** Deletes the object; already gone is fine. */
  void delete(CgroupIsolationNode existing) {
    client.resource(existing).delete();
  }

  private CgroupIsolationNode patch(HasMetadata target, String path, Object value) {
    List<Map<String, Object>> jsonPatch =
        List.of(Map.of("op", "add", "path", path, "value", value));
    return client
        .resources(CgroupIsolationNode.class)
        .inNamespace(target.getMetadata().getNamespace())
        .withName(target.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON), Json.write(jsonPatch));
  }
}
