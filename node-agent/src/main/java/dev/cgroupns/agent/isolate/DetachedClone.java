package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;

/**
 * A detached copy of one directory of the agent's own cgroup mount, ready to be moved into a
 * container: open_tree(OPEN_TREE_CLONE), then mount_setattr.
 *
 * <p>The clone is made PRIVATE. open_tree copies the source mount's propagation: a clone of a
 * shared mount (as /sys/fs/cgroup is on systemd hosts) joins the source's peer group, and anything
 * the container then mounts on it would appear in the agent's mount namespace, and through it on
 * the host. A private mount sends and receives nothing.
 */
final class DetachedClone {
  private DetachedClone() {}

  /**
   * @param directory a directory of the agent's cgroup mount, built from what the kernel shows
   * @param attributes the mount flags the clone must have ({@link MountAttributes}); all others are
   *     cleared
   * @return the detached mount's fd, owned by the caller
   */
  static int of(String directory, int attributes) {
    int fd = Kernel.openTreeClone(Linux.AT_FDCWD, directory, directory);
    try {
      Kernel.mountSetattr(fd, attributes, MountAttributes.ALL, Linux.MS_PRIVATE, directory);
      return fd;
    } catch (RuntimeException e) {
      Kernel.close(fd);
      throw e;
    }
  }
}
