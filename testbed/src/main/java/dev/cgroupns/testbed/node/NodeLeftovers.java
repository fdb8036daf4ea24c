package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a node may leave on the host, looked for after it stopped: its processes, mounts under its
 * directory, kubepods cgroups, the bridge, IPAM data, the hosts line, dead sockets, the directory,
 * and, against a baseline taken before it started, the kubelet's iptables chains and sysctls and
 * libcni's cached results.
 */
public final class NodeLeftovers {

  /** The host's shared state before the node started. */
  public record Baseline(
      List<String> iptablesChains, Map<String, String> sysctls, List<Path> cniResults) {

    public static Baseline now() {
      return new Baseline(
          KubeletIptablesChains.present(),
          new KernelTunables(Path.of("/proc/sys")).current(),
          NodeLeftovers.cniResults());
    }
  }

  private NodeLeftovers() {}

  /** Everything found; empty when the node left nothing. */
  public static List<String> find(NodeLayout layout, List<Path> hierarchies, Baseline before) {
    List<String> left = new ArrayList<>();
    NodeProcesses.of(layout.dir())
        .forEach(p -> left.add("process " + p.pid() + ": " + p.commandLine()));
    MountTable.under(layout.dir()).forEach(m -> left.add("mount " + m));
    for (Path hierarchy : hierarchies) {
      Path kubepods = hierarchy.resolve(NodeCleanup.KUBEPODS.substring(1));
      if (Files.exists(kubepods)) {
        left.add("cgroup " + kubepods);
      }
    }
    if (Files.exists(Path.of("/sys/class/net", layout.bridge()))) {
      left.add("bridge " + layout.bridge());
    }
    Path ipam = NodeCleanup.VAR_LIB_CNI.resolve("networks").resolve(layout.network());
    if (Files.exists(ipam)) {
      left.add("IPAM data " + ipam);
    }
    if (new HostsLine(HostsLine.ETC_HOSTS).present(layout.nodeName())) {
      left.add("hosts line " + HostsLine.lineFor(layout.nodeName()));
    }
    KubeletIptablesChains.present().stream()
        .filter(c -> !before.iptablesChains().contains(c))
        .forEach(c -> left.add("iptables chain " + c));
    cniResults().stream()
        .filter(r -> !before.cniResults().contains(r))
        .forEach(r -> left.add("CNI result " + r));
    new KernelTunables(Path.of("/proc/sys"))
        .changedFrom(before.sysctls())
        .forEach(t -> left.add("sysctl " + t));
    left.addAll(HostSockets.leftovers());
    if (Files.exists(layout.dir())) {
      left.add("directory " + layout.dir());
    }
    return left;
  }

  /** libcni's cached results on the host, shared by every CNI user. */
  private static List<Path> cniResults() {
    Path results = NodeCleanup.VAR_LIB_CNI.resolve("results");
    if (!Files.isDirectory(results)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(results)) {
      return files.toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
