package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.cluster.RunDirectories;
import dev.cgroupns.testbed.runc.CgroupRoot;
import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes everything a node put on the host, in an order that works whatever state it was left in
 * (stopped cleanly, failed half-way, or its JVM killed): its processes, the pods' containers,
 * cgroups and mounts, the bridge and the CNI caches, the kubelet's iptables chains and sysctls, the
 * hosts line, and last its directory, which is removed only when nothing is mounted in it any more.
 */
public final class NodeCleanup {

  /** Where libcni and host-local keep state by default, shared by every CNI user on the host. */
  static final Path VAR_LIB_CNI = Path.of("/var/lib/cni");

  /** The kubelet links every container's log here, whatever its pod log directory. */
  static final Path VAR_LOG_CONTAINERS = Path.of("/var/log/containers");

  /** The kubelet's cgroup of all pods (cgroupfs driver, default cgroup root). */
  public static final String KUBEPODS = "/kubepods";

  private final NodeLayout node;
  private final List<Path> hierarchies;
  private final Path runc;
  private final HostsLine hosts;
  private final KernelTunables tunables;

  public NodeCleanup(
      NodeLayout node,
      List<Path> hierarchies,
      Path runc,
      HostsLine hosts,
      KernelTunables tunables) {
    this.node = node;
    this.hierarchies = List.copyOf(hierarchies);
    this.runc = runc;
    this.hosts = hosts;
    this.tunables = tunables;
  }

  /**
   * Runs every step, each even when an earlier one failed.
   *
   * @return what could not be removed
   */
  public List<String> run() {
    List<String> failures = new ArrayList<>();
    // Taken before the containers go: libcni's cache names the loopback network's results by them.
    List<String> containerIds = containerIds();
    // The kubelet and containerd first, so nothing restarts what the next steps remove.
    NodeProcesses.kill(NodeProcesses.of(node.dir()).stream().filter(p -> !p.isShim()).toList());
    deleteContainers(failures);
    NodeProcesses.kill(NodeProcesses.of(node.dir()));
    removeKubepodsCgroups(failures);
    unmountAll(failures);
    removeBridge(failures);
    removeCniCaches(containerIds, failures);
    removeContainerLogLinks(failures);
    failures.addAll(HostSockets.removeDead());
    failures.addAll(KubeletIptablesChains.removeNew(node.dir().resolve("iptables-before")));
    failures.addAll(tunables.restore(node.dir().resolve("kernel-tunables-before")));
    try {
      hosts.remove(node.nodeName());
    } catch (RuntimeException e) {
      failures.add("hosts line: " + e.getMessage());
    }
    List<Path> mounted = MountTable.under(node.dir());
    if (mounted.isEmpty()) {
      try {
        RunDirectories.deleteTree(node.dir());
      } catch (RuntimeException e) {
        failures.add(node.dir() + ": " + e.getMessage());
      }
    } else {
      // Never walk into a mount: it may show files that are not the node's.
      failures.add("still mounted, so " + node.dir() + " is kept: " + mounted);
    }
    return failures;
  }

  /** runc's containers in every containerd namespace of the node (k8s.io for pods). */
  private void deleteContainers(List<String> failures) {
    if (!Files.isDirectory(node.runcRoot())) {
      return;
    }
    try (Stream<Path> roots = Files.list(node.runcRoot())) {
      for (Path root : roots.filter(Files::isDirectory).toList()) {
        String list =
            CommandRunner.run(List.of(runc.toString(), "--root", root.toString(), "list", "-q"));
        for (String id : list.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
          try {
            CommandRunner.run(
                List.of(runc.toString(), "--root", root.toString(), "delete", "-f", id));
          } catch (RuntimeException e) {
            failures.add("container " + id + ": " + e.getMessage());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.add("containers: " + e.getMessage());
    }
  }

  /**
   * {@code /kubepods} in every hierarchy. Processes still in it (a container runc no longer knew)
   * are killed first; a cgroup whose last process is exiting is busy for a moment, hence retries.
   */
  private void removeKubepodsCgroups(List<String> failures) {
    List<String> left = List.of();
    for (int attempt = 0; attempt < 50; attempt++) {
      killProcessesIn(KUBEPODS);
      left = CgroupRoot.removeSubtree(hierarchies, KUBEPODS);
      if (left.isEmpty()) {
        return;
      }
      sleep(100);
    }
    failures.addAll(left);
  }

  private void killProcessesIn(String cgroup) {
    for (Path hierarchy : hierarchies) {
      Path top = hierarchy.resolve(cgroup.substring(1));
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(top)) {
        for (Path procs :
            walk.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
          for (String pid : Files.readAllLines(procs)) {
            if (!pid.isBlank()) {
              ProcessHandle.of(Long.parseLong(pid.strip()))
                  .ifPresent(ProcessHandle::destroyForcibly);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // The retry of the removal reports what is left.
      }
    }
  }

  /** Snapshots, network namespaces, the kubelet's volumes: lazily, so a busy mount goes too. */
  private void unmountAll(List<String> failures) {
    for (Path mountPoint : MountTable.under(node.dir())) {
      try {
        CommandRunner.run(List.of("umount", "--lazy", mountPoint.toString()));
      } catch (RuntimeException e) {
        if (MountTable.under(mountPoint).contains(mountPoint)) {
          failures.add("mount " + mountPoint + ": " + e.getMessage());
        }
      }
    }
  }

  private void removeBridge(List<String> failures) {
    if (!Files.exists(Path.of("/sys/class/net", node.bridge()))) {
      return;
    }
    try {
      CommandRunner.run(List.of("ip", "link", "delete", node.bridge()));
    } catch (RuntimeException e) {
      failures.add("bridge " + node.bridge() + ": " + e.getMessage());
    }
  }

  /** The IDs of the node's containers (pod sandboxes among them): runc's state directories. */
  private List<String> containerIds() {
    if (!Files.isDirectory(node.runcCriRoot())) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(node.runcCriRoot())) {
      return dirs.map(d -> d.getFileName().toString())
          .filter(id -> id.matches("[0-9a-f]{64}"))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * libcni's cached results of the node's sandboxes ({@link CniResultCache}), which stay when a
   * crash or the stop itself skipped their CNI DEL; and host-local's default data directory.
   */
  private void removeCniCaches(List<String> containerIds, List<String> failures) {
    String network = node.network();
    try {
      RunDirectories.deleteTree(VAR_LIB_CNI.resolve("networks").resolve(network));
      Path results = VAR_LIB_CNI.resolve("results");
      if (Files.isDirectory(results)) {
        try (Stream<Path> files = Files.list(results)) {
          for (Path file : files.toList()) {
            if (CniResultCache.isTheNodes(file, network, containerIds, node.dir())) {
              Files.deleteIfExists(file);
            }
          }
        }
      }
      for (Path dir : List.of(results, VAR_LIB_CNI.resolve("networks"), VAR_LIB_CNI)) {
        deleteIfEmpty(dir);
      }
    } catch (IOException | RuntimeException e) {
      failures.add("CNI caches: " + e.getMessage());
    }
  }

  /** The kubelet's links to the node's container logs; the directory goes if it is then empty. */
  private void removeContainerLogLinks(List<String> failures) {
    if (!Files.isDirectory(VAR_LOG_CONTAINERS)) {
      return;
    }
    try (Stream<Path> links = Files.list(VAR_LOG_CONTAINERS)) {
      for (Path link : links.filter(Files::isSymbolicLink).toList()) {
        if (Files.readSymbolicLink(link).startsWith(node.dir())) {
          Files.deleteIfExists(link);
        }
      }
      deleteIfEmpty(VAR_LOG_CONTAINERS);
    } catch (IOException e) {
      failures.add(VAR_LOG_CONTAINERS + ": " + e.getMessage());
    }
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        return;
      }
    }
    Files.deleteIfExists(dir);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
