package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcFormatException;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.util.Optional;

/**
 * Whether a process has a mount namespace apart from the agent's and from its parent's. The agent
 * changes mounts only inside a container's own mount namespace. A target that shares the agent's
 * (the CLI or a test on the host, naming a host process) or its parent's (a runtime's monitor, on
 * the host: runc's init before it left the host's namespace, or a privileged hostPID pod whose
 * first process entered the host's with nsenter) would have the host's mounts changed, which the
 * agent never does (safety rule 2). Such a target is refused, whatever its cgroups say.
 */
final class OwnMountNamespace {
  private OwnMountNamespace() {}

  /**
   * Pure: why the target's mount namespace is not its own, if it is not.
   *
   * @param target the target's mount namespace inode
   * @param agent the agent's, and the reference process's
   * @param parent its parent's, when readable (a parent outside the agent's view, such as the
   *     machine's PID 1 in some sandboxes, is not)
   */
  static Optional<String> refusal(
      Optional<Long> target,
      Optional<Long> agent,
      Optional<Long> reference,
      Optional<Long> parent) {
    if (target.isEmpty() || agent.isEmpty()) {
      return Optional.of("cannot read its mount namespace; refused rather than guessed");
    }
    if (target.equals(agent) || target.equals(reference)) {
      return Optional.of(
          "it is in the agent's own mount namespace: its mounts are not a container's");
    }
    if (target.equals(parent)) {
      return Optional.of(
          "it shares the mount namespace of the process that started it (the host's, or its"
              + " runtime's): its mounts are not a container's own");
    }
    return Optional.empty();
  }

  /** Reads the inodes from /proc. */
  static Optional<String> refusal(ProcFs procFs, int pid, int referencePid) {
    Optional<Long> parent;
    try {
      int parentPid = procFs.parentPid(pid);
      parent = parentPid > 0 ? procFs.namespaceInode(parentPid, "mnt") : Optional.empty();
    } catch (ProcFormatException | ProcessVanishedException e) {
      parent = Optional.empty(); // the target's own read below tells whether it is still there
    }
    return refusal(
        procFs.namespaceInode(pid, "mnt"),
        procFs.namespaceInode((int) ProcessHandle.current().pid(), "mnt"),
        procFs.namespaceInode(referencePid, "mnt"),
        parent);
  }
}
