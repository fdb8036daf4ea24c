package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.ProcFs;
import java.util.Optional;

/**
 * Whose cgroup namespace a container is in, told by comparing its namespace's inode with a
 * reference process in the host's namespace (the agent itself by default).
 */
public enum CgroupNamespace {
  /** Its own: the runtime gave it one, and it sees its cgroup as "/". Left alone. */
  PRIVATE,
  /** The host's: it sees host paths, and its cgroupfs mounts may show the whole tree. */
  HOST,
  /** One of the two inodes could not be read; refused rather than guessed. */
  UNKNOWN;

  /** Pure: compares the two namespace inodes. */
  public static CgroupNamespace of(Optional<Long> container, Optional<Long> reference) {
    if (container.isEmpty() || reference.isEmpty()) {
      return UNKNOWN;
    }
    return container.get().equals(reference.get()) ? HOST : PRIVATE;
  }

  /** Reads both inodes from /proc. */
  public static CgroupNamespace read(ProcFs procFs, int pid, int referencePid) {
    return of(procFs.namespaceInode(pid, "cgroup"), procFs.namespaceInode(referencePid, "cgroup"));
  }

  /** The status field {@code privateNamespace}: null when unknown. */
  public Boolean asPrivateFlag() {
    return this == UNKNOWN ? null : this == PRIVATE;
  }
}
