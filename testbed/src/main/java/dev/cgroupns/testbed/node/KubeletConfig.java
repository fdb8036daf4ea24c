package dev.cgroupns.testbed.node;

import java.nio.file.Path;

/**
 * The kubelet's configuration file for one node: the cgroupfs driver on whatever cgroup layout the
 * host has (v1 included), containerd's socket, webhook authentication and authorization of the API
 * server's requests (exec, logs) with the cluster's CA, its own directories, and thresholds low
 * enough that a small test machine neither evicts pods nor collects the imported images.
 */
public final class KubeletConfig {

  private KubeletConfig() {}

  public static String render(
      NodeLayout node, int port, Path clientCa, Path servingCert, Path servingKey) {
    return """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        cgroupDriver: cgroupfs
        # 1.35 and later refuse cgroup v1 unless told otherwise.
        failCgroupV1: false
        failSwapOn: false
        containerRuntimeEndpoint: unix://%s
        address: 127.0.0.1
        port: %d
        readOnlyPort: 0
        healthzPort: 0
        tlsCertFile: %s
        tlsPrivateKeyFile: %s
        rotateCertificates: false
        serverTLSBootstrap: false
        authentication:
          anonymous:
            enabled: false
          webhook:
            enabled: true
          x509:
            clientCAFile: %s
        authorization:
          mode: Webhook
        # No DNS in the pods: nothing resolves names there, and the host's resolver stays out.
        resolvConf: ""
        podLogsDir: %s
        enforceNodeAllocatable: []
        evictionHard:
          memory.available: 1Mi
          nodefs.available: 1%%
          nodefs.inodesFree: 1%%
          imagefs.available: 1%%
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        registerNode: true
        syncFrequency: 10s
        fileCheckFrequency: 10s
        """
        .formatted(
            node.containerdSocket(), port, servingCert, servingKey, clientCa, node.podLogs());
  }
}
