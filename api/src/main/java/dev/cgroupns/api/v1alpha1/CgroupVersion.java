package dev.cgroupns.api.v1alpha1;

/** The cgroup layout of a node, as the agent found it. */
public enum CgroupVersion {
  /** Only v1 hierarchies. */
  V1,
  /** Only the unified v2 hierarchy. */
  V2,
  /** v1 hierarchies plus a v2 hierarchy (usually at /sys/fs/cgroup/unified). */
  Hybrid
}
