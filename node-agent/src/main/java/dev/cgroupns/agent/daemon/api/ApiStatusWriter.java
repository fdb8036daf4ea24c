package dev.cgroupns.agent.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a node object's status: one patch of the status subresource that replaces the whole status
 * (so no stale container entry survives). The agent is the only writer of this status, so it needs
 * neither a read first nor a resourceVersion.
 *
 * <p>The patch is a JSON patch rather than a merge patch: its first operation tests the object's
 * UID, so a status never lands on a recreated object of the same name, and "add /status" replaces
 * the status whole on every server, where the mock server used in tests merges the lists of a merge
 * patch instead of replacing them.
 *
 * <p>Conflicts, throttling, server errors and timeouts are retried with exponential backoff. When
 * the attempts run out the caller keeps the status and writes it on a later pass: no result is
 * lost, and the pass loop is not blocked for long.
 */
public final class ApiStatusWriter implements StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiStatusWriter.class);
  private static final Set<Integer> TRANSIENT = Set.of(409, 429, 500, 502, 503, 504);

  private final KubernetesClient client;
  private final AgentMetrics metrics;
  private final RetryPolicy retry;

  public ApiStatusWriter(KubernetesClient client, AgentMetrics metrics, RetryPolicy retry) {
    this.client = client;
    this.metrics = metrics;
    this.retry = retry;
  }

  @Override
  public Result write(CgroupIsolationNode object, CgroupIsolationNodeStatus status) {
    String namespace = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    String body = patchBody(object.getMetadata().getUid(), status);
    Duration backoff = retry.firstBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(CgroupIsolationNode.class)
            .inNamespace(namespace)
            .withName(name)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON), body);
        metrics.statusWritten();
        return Result.WRITTEN;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return Result.GONE;
        }
        if (!isTransient(e) || attempt >= retry.attempts()) {
          metrics.statusWriteFailed();
          LOG.warn(
              "status of {}/{} not written (attempt {}): {}; it is kept for the next pass",
              namespace,
              name,
              attempt,
              e.getMessage());
          return Result.FAILED;
        }
        metrics.statusWriteRetried();
        LOG.info(
            "status of {}/{} not written ({}), retrying in {} ms",
            namespace,
            name,
            e.getCode(),
            backoff.toMillis());
        if (!sleep(backoff)) {
          return Result.FAILED;
        }
        backoff = min(backoff.multipliedBy(2), retry.maxBackoff());
      }
    }
  }

  static String patchBody(String uid, CgroupIsolationNodeStatus status) {
    ArrayNode patch = Serialization.jsonMapper().createArrayNode();
    patch.addObject().put("op", "test").put("path", "/metadata/uid").put("value", uid);
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/status")
        .set("value", Serialization.jsonMapper().valueToTree(status));
    return patch.toString();
  }

  /** Conflicts, throttling, server errors, and I/O errors or timeouts (code 0 or -1). */
  static boolean isTransient(KubernetesClientException e) {
    return TRANSIENT.contains(e.getCode()) || e.getCode() <= 0;
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
