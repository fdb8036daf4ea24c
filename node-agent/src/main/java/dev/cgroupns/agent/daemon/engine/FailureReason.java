package dev.cgroupns.agent.daemon.engine;

/**
 * Why the agent could not act on a container. A closed set: it is the only tag of the failure
 * metric, so it must never grow with pods or messages.
 */
public enum FailureReason {
  /** The pod status names a container ID that is not 64 hex digits of a known runtime. */
  InvalidContainerId,
  /** No process of the container runs (it exited, or has not started yet). */
  ContainerNotFound,
  /** The container exited, or its PID was reused, while the agent worked on it. */
  ContainerVanished,
  /** Another agent or CLI holds the container's lock. */
  ContainerBusy,
  /** The engine refused: the container's mounts are not what it can safely change. */
  Refused,
  /**
   * The container's mount table is larger than the agent reads (more mounts than the kernel's
   * default limit, more cgroupfs mounts and mounts around them than it keeps, or a line no real
   * path makes): that container is left alone, the others are served.
   */
  MountTableTooLarge,
  /** A system call failed while changing mounts. */
  MountFailed,
  /** Reverting failed; the container stays isolated. */
  RevertFailed,
  /** Anything else (a bug, an unreadable state file). */
  Internal;

  /** The metric tag value. */
  public String tag() {
    return name();
  }
}
