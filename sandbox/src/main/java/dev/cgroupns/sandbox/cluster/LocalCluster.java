package dev.cgroupns.sandbox.cluster;

import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.runc.CommandRunner;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's own Kubernetes control plane on loopback (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler from the official binaries), with the project's manifests
 * installed as on a cluster. The operator and the agent connect with their service accounts' tokens
 * bound to pods, as they would in their Deployment and DaemonSet; only the sandbox itself (and the
 * user's kubectl) is cluster admin.
 */
public final class LocalCluster implements ClusterAccess, AutoCloseable {

  /** The Pod the operator's token is bound to (no kubelet runs it). */
  static final String OPERATOR_POD = "cgroup-isolation-operator-sandbox";

  private static final Pattern ETCD_VERSION = Pattern.compile("etcd Version: (\\S+)");

  private final LocalControlPlane plane;

  private LocalCluster(LocalControlPlane plane) {
    this.plane = plane;
  }

  /**
   * Starts the control plane in a run directory under {@code parent}; what killed runs left there
   * is swept first.
   */
  public static LocalCluster start(KubeBinaries binaries, Path parent, Consumer<String> progress) {
    return new LocalCluster(LocalControlPlane.start(binaries, parent, progress));
  }

  /** "kube-apiserver v1.36.3, etcd 3.6.16", as the running server and the etcd binary report. */
  public String versions() {
    String server = plane.adminClient().getKubernetesVersion().getGitVersion();
    return "kube-apiserver " + server + ", etcd " + etcdVersion(plane.binaries());
  }

  /** Where the binaries come from. */
  public Path binaries() {
    return plane.binaries().directory();
  }

  /** The run directory: certificates, kubeconfigs, logs, etcd's data. */
  public Path runDirectory() {
    return plane.runDirectory();
  }

  /**
   * Starts a real node of this control plane in a directory under {@code parent} (what dead runs
   * left there is swept first); it is Ready when this returns, and the caller closes it.
   *
   * @param binaries the node's binaries as well as the control plane's
   * @param cache where the node's compiled pause program is kept between runs
   */
  public RealNode startNode(
      KubeBinaries binaries, Path parent, Path cache, Consumer<String> progress) {
    return RealNode.start(plane, binaries, parent, cache, progress);
  }

  /** kubectl of the server's version, as the cluster admin. */
  public Kubectl kubectl() {
    return Kubectl.admin(plane);
  }

  @Override
  public KubernetesClient client() {
    return plane.adminClient();
  }

  @Override
  public String install(Path checkout) {
    List<String> applied = ProjectInstall.installBase(plane, checkout);
    return "installed manifests/base as on a cluster ("
        + countsByKind(applied)
        + "), without the operator Deployment and the agent DaemonSet: the sandbox runs those two"
        + " itself, with their service accounts";
  }

  @Override
  public Config operator() {
    return RenewingToken.renewing(
        PodIdentities.operator(plane, OPERATOR_POD),
        () -> PodIdentities.operatorToken(plane, OPERATOR_POD));
  }

  @Override
  public Config nodeAgent(String nodeName) {
    return RenewingToken.renewing(
        PodIdentities.nodeAgent(plane, nodeName),
        () -> PodIdentities.nodeAgentToken(plane, nodeName));
  }

  @Override
  public List<String> kubectlSetup() {
    return List.of(
        "export KUBECONFIG=" + plane.adminKubeconfig(),
        "export PATH=" + binaries() + ":$PATH   # kubectl of the server's version");
  }

  /** Stops every component and removes the run directory. */
  @Override
  public void close() {
    plane.close();
  }

  /** "2 CustomResourceDefinition, 1 Namespace, ..." from "Kind/name" entries, by kind. */
  static String countsByKind(List<String> applied) {
    Map<String, Integer> counts = new TreeMap<>();
    applied.forEach(a -> counts.merge(a.substring(0, a.indexOf('/')), 1, Integer::sum));
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (kind, n) -> text.append(text.isEmpty() ? "" : ", ").append(n).append(' ').append(kind));
    return text.toString();
  }

  private static String etcdVersion(KubeBinaries binaries) {
    String out = CommandRunner.run(List.of(binaries.path("etcd").toString(), "--version"));
    Matcher m = ETCD_VERSION.matcher(out);
    return m.find() ? m.group(1) : "(version unknown)";
  }
}
