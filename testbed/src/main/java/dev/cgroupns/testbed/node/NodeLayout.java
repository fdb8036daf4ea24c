package dev.cgroupns.testbed.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where one node's files live, all inside its run directory, and the names it gives the host's
 * shared objects (the bridge, the CNI network, the hosts line). Derived from the directory and the
 * node name alone, so that a later run can clean up after a node whose JVM was killed.
 *
 * @param dir the node's run directory
 * @param nodeName the Kubernetes node name (also the kubelet's hostname override)
 */
public record NodeLayout(Path dir, String nodeName) {

  /**
   * The layout of the node in {@code dir}, named after it: the name is then unique on the machine
   * and a later sweep knows it from the directory alone.
   */
  public static NodeLayout of(Path dir) {
    return new NodeLayout(dir, dir.getFileName().toString());
  }

  public Path containerdConfig() {
    return dir.resolve("containerd.toml");
  }

  public Path containerdRoot() {
    return dir.resolve("containerd/root");
  }

  public Path containerdState() {
    return dir.resolve("containerd/state");
  }

  public Path containerdSocket() {
    return dir.resolve("containerd.sock");
  }

  /** containerd's optional-binaries directory, its image verifiers': nothing is installed there. */
  public Path containerdOpt() {
    return dir.resolve("containerd/opt");
  }

  /** runc's state root for the shims; runc keeps each containerd namespace in a subdirectory. */
  public Path runcRoot() {
    return dir.resolve("runc");
  }

  /** runc's state root for the CRI's namespace, where the pods' containers are. */
  public Path runcCriRoot() {
    return runcRoot().resolve("k8s.io");
  }

  /**
   * The directory of containerd's NRI socket and nothing else, as a host's {@code /var/run/nri} is:
   * the agent's DaemonSet mounts this directory (not the socket, so that a restarted containerd's
   * new socket is seen), and it should find nothing else of the node there.
   */
  public Path nriSocketDirectory() {
    return dir.resolve("run/nri");
  }

  /** containerd's NRI socket, under the name the agent looks for by default. */
  public Path nriSocket() {
    return nriSocketDirectory().resolve("nri.sock");
  }

  public Path nriPlugins() {
    return dir.resolve("nri/plugins");
  }

  public Path nriPluginConfig() {
    return dir.resolve("nri/conf.d");
  }

  public Path cniConfDir() {
    return dir.resolve("cni/net.d");
  }

  /** host-local's record of the addresses it handed out. */
  public Path cniIpamDir() {
    return dir.resolve("cni/networks");
  }

  public Path kubeletConfig() {
    return dir.resolve("kubelet.yaml");
  }

  public Path kubeletKubeconfig() {
    return dir.resolve("kubelet.kubeconfig");
  }

  public Path kubeletRoot() {
    return dir.resolve("kubelet");
  }

  public Path kubeletCertDir() {
    return dir.resolve("kubelet-pki");
  }

  public Path podLogs() {
    return dir.resolve("pod-logs");
  }

  public Path images() {
    return dir.resolve("images");
  }

  /** The CNI network's name; containerd and libcni key their caches by it. */
  public String network() {
    return "cgroupns-" + shortHash();
  }

  /** The bridge on the host: at most 15 characters, as Linux interface names are. */
  public String bridge() {
    return "cgns" + shortHash();
  }

  private String shortHash() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((dir + "\n" + nodeName).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
