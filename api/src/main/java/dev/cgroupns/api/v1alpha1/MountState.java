package dev.cgroupns.api.v1alpha1;

/** The write access a container has through its cgroupfs mounts. */
public enum MountState {
  ReadOnly,
  ReadWrite,
  /** Some cgroupfs mounts are read-only, others writable. */
  Mixed,
  /** The container has no cgroupfs mount at all. */
  None
}
