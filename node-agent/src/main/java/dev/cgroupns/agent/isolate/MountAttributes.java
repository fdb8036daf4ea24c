package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.kernel.Linux;
import java.util.List;

/**
 * Per-mount flags as mount_setattr(2) and fsmount(2) take them, from and to the options mountinfo
 * shows ("ro,nosuid,nodev,noexec,relatime").
 */
public final class MountAttributes {
  /** Every flag this class manages, for mount_setattr's "clear" mask. */
  public static final int ALL =
      Linux.MOUNT_ATTR_RDONLY
          | Linux.MOUNT_ATTR_NOSUID
          | Linux.MOUNT_ATTR_NODEV
          | Linux.MOUNT_ATTR_NOEXEC
          | Linux.MOUNT_ATTR__ATIME
          | Linux.MOUNT_ATTR_NODIRATIME;

  private MountAttributes() {}

  /**
   * The attributes of an isolated mount: nosuid, nodev, noexec (a cgroupfs never needs them),
   * relatime, and read-only unless asked otherwise.
   */
  public static int isolated(boolean readOnly) {
    int attr = Linux.MOUNT_ATTR_NOSUID | Linux.MOUNT_ATTR_NODEV | Linux.MOUNT_ATTR_NOEXEC;
    return readOnly ? attr | Linux.MOUNT_ATTR_RDONLY : attr;
  }

  /** The attributes mountinfo's per-mount options describe. */
  public static int fromOptions(List<String> options) {
    int attr = 0;
    for (String option : options) {
      attr |=
          switch (option) {
            case "ro" -> Linux.MOUNT_ATTR_RDONLY;
            case "nosuid" -> Linux.MOUNT_ATTR_NOSUID;
            case "nodev" -> Linux.MOUNT_ATTR_NODEV;
            case "noexec" -> Linux.MOUNT_ATTR_NOEXEC;
            case "noatime" -> Linux.MOUNT_ATTR_NOATIME;
            case "strictatime" -> Linux.MOUNT_ATTR_STRICTATIME;
            case "nodiratime" -> Linux.MOUNT_ATTR_NODIRATIME;
            default -> 0; // rw, relatime (the zero atime mode) and anything unknown
          };
    }
    return attr;
  }
}
