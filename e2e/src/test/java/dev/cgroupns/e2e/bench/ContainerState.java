package dev.cgroupns.e2e.bench;

import dev.cgroupns.agent.proc.MountInfo;
import dev.cgroupns.agent.proc.MountInfoEntry;
import java.util.List;

/**
 * What a container's first process is exposed to at one moment, judged from the host: still runc's
 * init setting the container up, running its own command with its memory cgroupfs writable or
 * rooted elsewhere, or running it isolated.
 *
 * <p>Isolated means: the mount the container sees at /sys/fs/cgroup/memory (the last one on that
 * mount point, the one on top) is read-only and rooted at the container's own cgroup. Read from the
 * host, a cgroupfs mount's root is rendered relative to the host's cgroup namespace, so both paths
 * of the agent show the same thing: the remount path's bind mount of the container's cgroup, and
 * the at-creation path's mount made inside the container's own namespace (rooted at "/" as the
 * container reads it, at its full host path as the host does).
 */
enum ContainerState {
  /** runc's init, between its fork and the exec of the container's command. */
  SETTING_UP,
  EXPOSED,
  ISOLATED;

  private static final String MEMORY_MOUNT_POINT = "/sys/fs/cgroup/memory";

  /**
   * @param cmdline the process's /proc/PID/cmdline, NUL-separated
   * @param mounts its /proc/PID/mountinfo (the cgroupfs mounts suffice)
   * @param ownCgroup its memory cgroup's path from the hierarchy's root, e.g.
   *     /kubepods/besteffort/pod&lt;uid&gt;/&lt;container id&gt;
   */
  static ContainerState of(String cmdline, MountInfo mounts, String ownCgroup) {
    if (isRuncInit(cmdline)) {
      return SETTING_UP;
    }
    List<MountInfoEntry> memory =
        mounts.cgroupMounts().stream()
            .filter(m -> m.mountPoint().equals(MEMORY_MOUNT_POINT))
            .filter(m -> m.cgroupV1Controllers().contains("memory"))
            .toList();
    if (memory.isEmpty()) {
      return EXPOSED;
    }
    MountInfoEntry top = memory.get(memory.size() - 1);
    return top.readOnly() && top.root().equals(ownCgroup) ? ISOLATED : EXPOSED;
  }

  /** runc re-executes itself as "runc init" (argv[0] as the runtime called it) in the container. */
  static boolean isRuncInit(String cmdline) {
    String[] args = cmdline.split("\0");
    return args.length >= 2 && args[0].endsWith("runc") && args[1].equals("init");
  }

  /**
   * Whether /proc/PID/status shows pid 1 of a pid namespace below the reader's ("NSpid: 4242 1"): a
   * container's init, not runc's processes that fork it.
   */
  static boolean isNamespaceInit(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("NSpid:")) {
        String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
        return pids.length >= 2 && pids[pids.length - 1].equals("1");
      }
    }
    return false;
  }

  /** The pause program of the pod's sandbox: not a container of the pod's spec. */
  static boolean isPause(String cmdline) {
    return cmdline.split("\0")[0].equals("/pause");
  }
}
