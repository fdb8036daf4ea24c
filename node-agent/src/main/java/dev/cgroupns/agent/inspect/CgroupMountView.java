package dev.cgroupns.agent.inspect;

/**
 * One cgroupfs mount of a container, as the container itself sees it.
 *
 * @param mountId the mount's ID in the container's mount namespace
 * @param mountPoint where it is mounted, inside the container
 * @param v2 true for cgroup2
 * @param hierarchy the hierarchy's controllers as /proc/PID/cgroup names them ("cpu,cpuacct",
 *     "name=systemd"), "" for v2
 * @param root the mount's root cgroup, rendered for the container's cgroup namespace
 * @param ownCgroup the container's own cgroup in that hierarchy, rendered the same way; null when
 *     the container has no line for the hierarchy
 * @param readOnly whether the mount is read-only
 * @param relation what the mount shows relative to the container's own subtree; null when unknown
 */
public record CgroupMountView(
    int mountId,
    String mountPoint,
    boolean v2,
    String hierarchy,
    String root,
    String ownCgroup,
    boolean readOnly,
    CgroupRelation relation) {

  /** True when the mount shows cgroups other than the container's own (or it cannot be told). */
  public boolean exposesMore() {
    return relation == null || relation.exposesMore();
  }
}
