package dev.cgroupns.e2e.faults;

import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a container's cgroup mounts, as it reads them from its own mountinfo, are the ones it
 * started with, fully isolated, or anything in between: the state no fault may leave behind.
 */
enum MountState {
  /** Exactly the mounts it started with. */
  ORIGINAL,
  /** The same mount points, each rooted at the container's own cgroup and read-only. */
  ISOLATED,
  /** Anything else: some mounts swapped and others not, a mount point missing, a wrong root. */
  PARTIAL;

  /**
   * @param original the container's cgroup mounts before anything was isolated
   * @param now its cgroup mounts now
   * @param ownCgroup the container's cgroup path, as its mountinfo renders an isolated mount's root
   */
  static MountState of(List<CgroupMount> original, List<CgroupMount> now, String ownCgroup) {
    // The kernel lists a mount point put back by a revert where it now sits in the mount table,
    // so the order of the lines may differ.
    if (sorted(original).equals(sorted(now))) {
      return ORIGINAL;
    }
    boolean sameMountPoints = mountPoints(original).equals(mountPoints(now));
    boolean allOwnAndReadOnly =
        !now.isEmpty()
            && now.stream()
                .allMatch(m -> Objects.equals(m.root(), ownCgroup) && "ro".equals(m.access()));
    return sameMountPoints && now.size() == original.size() && allOwnAndReadOnly
        ? ISOLATED
        : PARTIAL;
  }

  private static List<CgroupMount> sorted(List<CgroupMount> mounts) {
    return mounts.stream()
        .sorted(Comparator.comparing(CgroupMount::mountPoint).thenComparing(CgroupMount::root))
        .toList();
  }

  private static Set<String> mountPoints(List<CgroupMount> mounts) {
    return mounts.stream().map(CgroupMount::mountPoint).collect(Collectors.toSet());
  }
}
