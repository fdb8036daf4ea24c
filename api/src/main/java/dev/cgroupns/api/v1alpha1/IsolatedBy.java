package dev.cgroupns.api.v1alpha1;

/** How an isolated container came to see only its own cgroups. */
public enum IsolatedBy {
  /**
   * The runtime created it in a cgroup namespace of its own, at the agent's request (NRI): from its
   * first instruction, /proc/self/cgroup shows "/" and its cgroupfs is rooted at its own cgroup.
   */
  AtCreation,
  /**
   * The agent replaced its cgroupfs mounts while it ran: it browses only its own subtree, but its
   * processes keep host paths in /proc/self/cgroup, and it saw the host's tree until then.
   */
  Remounted
}
