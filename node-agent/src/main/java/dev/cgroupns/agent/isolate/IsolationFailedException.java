package dev.cgroupns.agent.isolate;

import java.util.List;

/**
 * A system call failed while changing a container's mounts. {@link #containerUnchanged()} tells
 * whether the container was left exactly as before (the normal case: every step is undone); when it
 * is false, {@link #leftOver()} names the mount points that could not be put back and the revert
 * record is kept for {@code revert}.
 */
public class IsolationFailedException extends RuntimeException {
  private final boolean containerUnchanged;
  private final List<String> leftOver;

  public IsolationFailedException(String message, Throwable cause) {
    this(message, cause, List.of());
  }

  public IsolationFailedException(String message, Throwable cause, List<String> leftOver) {
    super(
        leftOver.isEmpty()
            ? message + "; the container was left as it was"
            : message + "; COULD NOT UNDO: " + String.join("; ", leftOver),
        cause);
    this.containerUnchanged = leftOver.isEmpty();
    this.leftOver = List.copyOf(leftOver);
  }

  public boolean containerUnchanged() {
    return containerUnchanged;
  }

  public List<String> leftOver() {
    return leftOver;
  }
}
