package dev.cgroupns.testbed.cluster;

import dev.cgroupns.testbed.node.BusyboxImage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Credentials of a service account as its pods get them: a token bound to a Pod object that names
 * the service account (and, for a node agent, the node), so that the API server authenticates the
 * user exactly as it would the real pod's projected token, node-name claim included. The Pod
 * objects are placeholders; they tolerate every taint so that the node lifecycle controller never
 * evicts them (which would revoke the token). On a node without a kubelet they never start; on a
 * real node ({@code dev.cgroupns.testbed.node.RealNode}) they run the node's own busybox image,
 * asleep, instead of failing to pull an image forever.
 */
public final class PodIdentities {

  private PodIdentities() {}

  /** The operator's service account, bound to a pod {@code podName} in the system namespace. */
  public static Config operator(LocalControlPlane cluster, String podName) {
    return bound(cluster, ProjectInstall.OPERATOR_ACCOUNT, podName, null);
  }

  /** The node agent's service account, bound to a pod on {@code nodeName} (which must exist). */
  public static Config nodeAgent(LocalControlPlane cluster, String nodeName) {
    return bound(cluster, ProjectInstall.AGENT_ACCOUNT, agentPodName(nodeName), nodeName);
  }

  /** A fresh token of the operator's service account bound to the pod {@code podName}. */
  public static String operatorToken(LocalControlPlane cluster, String podName) {
    return token(cluster, ProjectInstall.OPERATOR_ACCOUNT, podName, null);
  }

  /** A fresh token of the node agent's service account bound to a pod on {@code nodeName}. */
  public static String nodeAgentToken(LocalControlPlane cluster, String nodeName) {
    return token(cluster, ProjectInstall.AGENT_ACCOUNT, agentPodName(nodeName), nodeName);
  }

  private static Config bound(
      LocalControlPlane cluster, String account, String podName, String nodeName) {
    String token = token(cluster, account, podName, nodeName);
    return LocalControlPlane.configOf(cluster.tokenKubeconfig(podName, token));
  }

  private static String token(
      LocalControlPlane cluster, String account, String podName, String nodeName) {
    placeholderPod(cluster, account, podName, nodeName);
    return cluster.boundToken(ProjectInstall.SYSTEM_NAMESPACE, account, podName);
  }

  private static void placeholderPod(
      LocalControlPlane cluster, String account, String podName, String nodeName) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(ProjectInstall.SYSTEM_NAMESPACE)
            .addToLabels("cgroupns.dev/test-identity", "true")
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(account)
            .withNodeName(nodeName)
            .withTolerations(new TolerationBuilder().withOperator("Exists").build())
            .withTerminationGracePeriodSeconds(1L)
            .addNewContainer()
            .withName("identity")
            .withImage(BusyboxImage.REFERENCE)
            .withImagePullPolicy("Never")
            .withCommand("sleep", "2147483647")
            .endContainer()
            .endSpec()
            .build();
    // A pod's spec cannot change: one that exists already (a token for the same node again) stays.
    if (cluster.adminClient().resource(pod).get() == null) {
      cluster.adminClient().resource(pod).create();
    }
  }

  /** A pod name for a node's agent: short and unique even for 253-character node names. */
  static String agentPodName(String nodeName) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(nodeName.getBytes(StandardCharsets.UTF_8));
      return "cgroup-isolation-node-agent-" + HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
