package dev.cgroupns.sandbox;

import dev.cgroupns.agent.daemon.nri.NriSettings;
import dev.cgroupns.sandbox.cluster.LocalCluster;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import dev.cgroupns.sandbox.demo.KubeletDemoPods;
import dev.cgroupns.sandbox.demo.KubeletDemoPods.RunningPod;
import dev.cgroupns.sandbox.demo.ViewReport;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.node.BusyboxImage;
import dev.cgroupns.testbed.node.ForeignKubelet;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sandbox's demo on a real node of its own control plane: the kubelet and containerd (built
 * from their official modules) run the demo pods with runc, and the node agent reaches them as it
 * does on a cluster. Once the isolation is Ready it starts one pod more, which the agent's NRI
 * plugin isolates while containerd creates it: that pod reads {@code /} in its own {@code
 * /proc/self/cgroup}.
 */
final class KubeletDemo {

  /** The pod created after the isolation. */
  static final String LATE_POD = "demo-late";

  private final RealNode node;
  private final LocalCluster cluster;
  private final SandboxOptions options;
  private final Progress progress;

  private KubeletDemo(
      RealNode node, LocalCluster cluster, SandboxOptions options, Progress progress) {
    this.node = node;
    this.cluster = cluster;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Removes what the nodes of killed runs left under {@code parent}, then checks that no other
   * kubelet owns this machine's pod cgroups: a real node here would take them over. With {@code
   * --pods-kind auto} the demo then falls back to runc containers; with {@code kubelet} the node's
   * start refuses, with the reason.
   */
  static Preflight.PodsChoice checkHost(
      Preflight.PodsChoice choice, PodsKind requested, Path parent, Consumer<String> progress) {
    List<Path> hierarchies = CgroupHierarchies.mounted();
    RealNode.sweep(parent, hierarchies, progress);
    Optional<Path> foreign = ForeignKubelet.find(hierarchies);
    if (foreign.isEmpty() || requested == PodsKind.KUBELET) {
      return choice;
    }
    return new Preflight.PodsChoice(
        PodsKind.RUNC,
        foreign.get()
            + " exists: a kubelet of this machine (or another run's node) owns its pod cgroups,"
            + " and a node of the sandbox would take them over");
  }

  /**
   * Starts the node; its undo (registered here) deletes its pods, stops it and removes all it put
   * on the host.
   */
  static KubeletDemo start(
      LocalCluster cluster,
      KubeBinaries binaries,
      Path parent,
      SandboxOptions options,
      Progress progress,
      Teardown teardown) {
    RealNode node = cluster.startNode(binaries, parent, RealNode.DEFAULT_CACHE, progress::step);
    teardown.add(
        "stop the Kubernetes node "
            + node.name()
            + " (its pods, the kubelet, containerd) and remove what it put on the host",
        node::close);
    progress.step(
        "a real Kubernetes node "
            + node.name()
            + ": kubelet and containerd from "
            + binaries.directory()
            + ", runc from Debian; containerd's NRI socket "
            + node.layout().nriSocket());
    return new KubeletDemo(node, cluster, options, progress);
  }

  String nodeName() {
    return node.name();
  }

  /** The agent's plugin on the node's own NRI socket. */
  NriSettings nri() {
    return new NriSettings(node.layout().nriSocket(), NriSettings.DEFAULT_INDEX);
  }

  /** Creates the demo pods, waits until the kubelet runs them, and says how the demo goes on. */
  SandboxRun.Demo startPods(Runnable checkStopped) {
    KubeletDemoPods pods = new KubeletDemoPods(cluster.client(), cluster.kubectl(), node.name());
    List<RunningPod> running =
        pods.start(
            options.pods(),
            options.readyTimeout(),
            pod ->
                progress.step(
                    "pod "
                        + pod.name()
                        + ": the kubelet runs container "
                        + pod.containerId().substring(0, 12)
                        + " in cgroup "
                        + pod.cgroup()),
            checkStopped);
    RunningPod shown = running.get(0);
    Map<String, String> abbreviations = new LinkedHashMap<>();
    abbreviations.put(shown.containerId(), shown.containerId().substring(0, 12) + "...");
    return new SandboxRun.Demo(
        shown.name(),
        pods.exec(shown),
        abbreviations,
        List.of(
            "kubectl exec " + shown.name() + " -- ls /sys/fs/cgroup/memory",
            "kubectl run demo-new --image="
                + BusyboxImage.REFERENCE
                + " --image-pull-policy=Never --labels=app=demo -- sleep 3600   (isolated at"
                + " creation)",
            "kubectl exec demo-new -- cat /proc/self/cgroup"),
        () -> showLatePod(pods, checkStopped));
  }

  /**
   * One pod more, created now that the isolation exists: the agent's NRI plugin gives its container
   * a cgroup namespace of its own while containerd creates it, so it never sees the host's
   * hierarchy, and its {@code /proc/self/cgroup} shows {@code /}.
   */
  private void showLatePod(KubeletDemoPods pods, Runnable checkStopped) {
    RunningPod late = pods.startOne(LATE_POD, options.readyTimeout(), checkStopped);
    progress.step(
        "pod "
            + LATE_POD
            + ", created after the isolation: the kubelet runs container "
            + late.containerId().substring(0, 12));
    ContainerView view = ContainerViewReader.read(pods.exec(late));
    progress.text(
        ViewReport.renderOne(
            "what " + LATE_POD + " sees", ViewReport.atCreationNote(view.procSelfCgroup()), view));
  }
}
