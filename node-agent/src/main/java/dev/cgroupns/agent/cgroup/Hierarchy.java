package dev.cgroupns.agent.cgroup;

import java.util.List;
import java.util.Set;

/**
 * One cgroup hierarchy as mounted in the agent's mount namespace.
 *
 * @param hierarchyId the first field of /proc/PID/cgroup lines of this hierarchy (0 for v2)
 * @param v2 true for the unified hierarchy
 * @param controllers v1 controllers plus "name=xxx" for a named hierarchy; empty for v2
 * @param mountPoint where the agent reaches it, e.g. /sys/fs/cgroup/memory
 * @param mountRoot the mount's root cgroup, as the agent reads it (relative to its cgroup
 *     namespace; "/" for a full mount made in the host namespace)
 * @param superOptions the superblock options, e.g. [rw, memory] or [rw, nsdelegate]
 */
public record Hierarchy(
    int hierarchyId,
    boolean v2,
    Set<String> controllers,
    String mountPoint,
    String mountRoot,
    List<String> superOptions) {
  public Hierarchy {
    controllers = Set.copyOf(controllers);
    superOptions = List.copyOf(superOptions);
  }

  /** A short human name: "memory", "cpu,cpuacct", "name=systemd" or "unified (v2)". */
  public String displayName() {
    if (v2) {
      return "unified (v2)";
    }
    return String.join(",", controllers.stream().sorted().toList());
  }
}
