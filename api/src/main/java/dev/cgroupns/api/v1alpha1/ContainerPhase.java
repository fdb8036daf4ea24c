package dev.cgroupns.api.v1alpha1;

/** Where one container stands. */
public enum ContainerPhase {
  /** Found in the instructions, not yet handled by the agent. */
  Pending,
  /** Its cgroupfs mounts show only its own subtree, with the requested read-only setting. */
  Isolated,
  /** Its runtime gave it a private cgroup namespace already; reported and left untouched. */
  AlreadyPrivate,
  /** Audit mode: the message says what Enforce would change. Nothing was changed. */
  WouldChange,
  /** Skipped on purpose (it mounts the host cgroupfs, or it is opted out); the message says why. */
  Skipped,
  /** Put back the way the runtime made it. */
  Reverted,
  /** The agent could not act; the message says why and nothing was left half-done. */
  Failed
}
