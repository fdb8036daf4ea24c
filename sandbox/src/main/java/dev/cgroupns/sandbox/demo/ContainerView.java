package dev.cgroupns.sandbox.demo;

import java.util.List;

/**
 * What one container sees of cgroups, read from inside it.
 *
 * @param procSelfCgroup the lines of its /proc/self/cgroup
 * @param cgroupMounts its cgroup and cgroup2 mounts: mount point, root, type, rw/ro
 * @param topLevel what {@code ls /sys/fs/cgroup} shows
 * @param visibleCgroups how many cgroup directories it can reach under /sys/fs/cgroup
 * @param sample the first directories of one hierarchy, as {@code find -maxdepth 2} lists them
 */
public record ContainerView(
    List<String> procSelfCgroup,
    List<CgroupMount> cgroupMounts,
    List<String> topLevel,
    int visibleCgroups,
    List<String> sample) {

  /** A cgroup mount as mountinfo shows it from inside the container. */
  public record CgroupMount(String mountPoint, String root, String type, String access) {}
}
