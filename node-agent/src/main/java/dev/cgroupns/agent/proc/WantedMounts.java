package dev.cgroupns.agent.proc;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which mounts of a container's table the agent keeps, given the cgroupfs mounts a first read of it
 * found. The isolation planner and the revert consult, besides the cgroupfs mounts themselves:
 *
 * <ul>
 *   <li>every mount AT a cgroupfs mount point: one stacked there may cover it (visibility);
 *   <li>every mount at a proper ancestor of a cgroupfs mount point: the parent directory of a mount
 *       point lies on one of them (the swap checks that mount's ID);
 *   <li>the parent mount (by ID) of each cgroupfs mount: made slave first when it is shared;
 *   <li>the same for the "also wanted" mount points (those of a revert record, which may have
 *       nothing mounted on them any more).
 * </ul>
 *
 * <p>Everything else (a container's thousands of other mounts) is never kept. A cgroupfs mount the
 * first read did not see (mounted between the reads) is not kept either: the mounts around it were
 * not asked for, so it is left to the next pass, as if it had been mounted just after the read.
 */
final class WantedMounts {
  private final Set<String> cgroupMounts;
  private final NavigableSet<String> mountPoints;
  private final Set<Integer> parentIds;

  private WantedMounts(
      Set<String> cgroupMounts, NavigableSet<String> mountPoints, Set<Integer> parentIds) {
    this.cgroupMounts = cgroupMounts;
    this.mountPoints = mountPoints;
    this.parentIds = parentIds;
  }

  /**
   * @param cgroupMounts the cgroupfs mounts a first read found
   * @param alsoWanted further mount points whose mounts, and the mounts on their paths, are kept
   */
  static WantedMounts around(List<MountInfoEntry> cgroupMounts, Collection<String> alsoWanted) {
    Set<String> keys = new HashSet<>();
    NavigableSet<String> mountPoints = new TreeSet<>(alsoWanted);
    Set<Integer> parentIds = new HashSet<>();
    for (MountInfoEntry mount : cgroupMounts) {
      keys.add(key(mount));
      mountPoints.add(mount.mountPoint());
      parentIds.add(mount.parentId());
    }
    return new WantedMounts(keys, mountPoints, parentIds);
  }

  boolean keeps(MountInfoEntry mount) {
    if (mount.isCgroup()) {
      return cgroupMounts.contains(key(mount));
    }
    return mountPoints.contains(mount.mountPoint())
        || parentIds.contains(mount.mountId())
        || isProperAncestorOfAWantedMountPoint(mount.mountPoint());
  }

  /**
   * Whether some wanted mount point lies below {@code path}. The wanted mount points that start
   * with "path/" are contiguous in sorted order and the first of them is the least one at or after
   * "path/", so one lookup answers it, without listing every ancestor of every mount point (which
   * grows with the square of a path's depth).
   */
  private boolean isProperAncestorOfAWantedMountPoint(String path) {
    String prefix = path.endsWith("/") ? path : path + "/";
    // At most two rounds: only "/" is both its own prefix and a wanted mount point.
    for (String next = mountPoints.ceiling(prefix);
        next != null && next.startsWith(prefix);
        next = mountPoints.higher(next)) {
      if (!next.equals(path)) {
        return true;
      }
    }
    return false;
  }

  /** A cgroupfs mount is the same one in both reads when its ID, parent and place are. */
  private static String key(MountInfoEntry mount) {
    return mount.mountId() + " " + mount.parentId() + " " + mount.mountPoint();
  }
}
