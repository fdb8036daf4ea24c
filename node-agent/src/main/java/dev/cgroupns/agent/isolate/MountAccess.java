package dev.cgroupns.agent.isolate;

/** Whether the container may write through its isolated cgroupfs mounts. */
public enum MountAccess {
  /** The default: root in the container cannot raise its own limits through cgroupfs. */
  READ_ONLY,
  READ_WRITE;

  public boolean readOnly() {
    return this == READ_ONLY;
  }

  public static MountAccess readOnly(boolean readOnly) {
    return readOnly ? READ_ONLY : READ_WRITE;
  }
}
