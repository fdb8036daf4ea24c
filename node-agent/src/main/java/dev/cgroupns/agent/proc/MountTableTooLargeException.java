package dev.cgroupns.agent.proc;

/**
 * A container's mount table is larger than the agent handles (too many mounts, or a line longer
 * than any the kernel writes for real paths). The container picks that size, so this is a failure
 * of that one container, reported as such, never a reason for the agent to stop.
 */
public final class MountTableTooLargeException extends ProcFormatException {
  public MountTableTooLargeException(String message) {
    super(message);
  }
}
