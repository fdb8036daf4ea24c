package dev.cgroupns.sandbox.runc;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.proc.ProcFs;
import java.nio.file.Path;
import java.util.List;

/**
 * Where this machine's cgroup hierarchies are mounted, as the node agent finds them (mountinfo
 * matched to /proc/self/cgroup), so v1, hybrid and pure v2 layouts are all handled the same way.
 */
public final class CgroupHierarchies {

  private CgroupHierarchies() {}

  /**
   * The mount point of every hierarchy under /sys/fs/cgroup.
   *
   * @throws IllegalStateException when a hierarchy is mounted with a root other than "/": the
   *     sandbox then runs inside a cgroup namespace, where the cgroup paths runc and the agent
   *     compute would not be the host's
   */
  public static List<Path> mounted() {
    CgroupLayout layout = CgroupLayout.detect(ProcFs.host(), CgroupLayout.DEFAULT_CGROUPFS_ROOT);
    for (Hierarchy h : layout.hierarchies()) {
      if (!h.mountRoot().equals("/")) {
        throw new IllegalStateException(
            "the "
                + h.displayName()
                + " hierarchy is mounted at "
                + h.mountPoint()
                + " with root "
                + h.mountRoot()
                + ": run the sandbox in the host's cgroup namespace");
      }
    }
    return layout.hierarchies().stream().map(h -> Path.of(h.mountPoint())).toList();
  }
}
