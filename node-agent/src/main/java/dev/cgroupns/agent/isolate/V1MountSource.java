package dev.cgroupns.agent.isolate;

/** How the agent makes the new mount for a cgroup v1 hierarchy. */
public enum V1MountSource {
  /**
   * The design note's way: a fresh cgroup mount made from a cgroup namespace rooted at the
   * container's cgroups (the dedicated thread joins them through the {@code tasks} files first).
   * The default.
   */
  FRESH,
  /**
   * A clone of the container's cgroup directory taken from the agent's own mount of the hierarchy
   * (open_tree, as for v2). Each v1 hierarchy has a single superblock, so the view is the same as a
   * fresh mount rooted there (it is also what runc itself mounts into containers on v1), but no
   * thread has to join the container's cgroups: faster, and unaffected by a frozen freezer cgroup.
   */
  CLONE
}
