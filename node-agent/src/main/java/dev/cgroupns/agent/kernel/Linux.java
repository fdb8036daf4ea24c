package dev.cgroupns.agent.kernel;

/**
 * Constants of the Linux x86_64/aarch64 ABI the agent uses. Values from the kernel's uapi headers.
 */
public final class Linux {
  private Linux() {}

  // clone/unshare/setns flags
  public static final int CLONE_FS = 0x00000200;
  public static final int CLONE_NEWNS = 0x00020000;
  public static final int CLONE_NEWCGROUP = 0x02000000;

  // prctl(2)
  public static final int PR_GET_DUMPABLE = 3;
  public static final int PR_SET_DUMPABLE = 4;

  // open(2)
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0x40;
  public static final int O_DIRECTORY = 0x10000;
  public static final int O_NOFOLLOW = 0x20000;
  public static final int O_CLOEXEC = 0x80000;
  public static final int O_PATH = 0x200000;
  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_RECURSIVE = 0x8000;
  public static final int AT_EMPTY_PATH = 0x1000;

  // openat2 resolve flags
  public static final long RESOLVE_NO_MAGICLINKS = 0x02;
  public static final long RESOLVE_NO_SYMLINKS = 0x04;

  // umount2
  // fcntl(2) open file description locks; struct flock's l_type
  public static final int F_OFD_SETLK = 37;
  public static final short F_WRLCK = 1;

  public static final int MNT_DETACH = 2;
  public static final int UMOUNT_NOFOLLOW = 8;

  // mount propagation, as mount_setattr takes it
  public static final long MS_PRIVATE = 1 << 18;
  public static final long MS_SLAVE = 1 << 19;

  // open_tree
  public static final int OPEN_TREE_CLONE = 1;
  public static final int OPEN_TREE_CLOEXEC = O_CLOEXEC;

  // move_mount
  public static final int MOVE_MOUNT_F_EMPTY_PATH = 0x04;
  public static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;

  // fsopen / fsconfig / fsmount
  public static final int FSOPEN_CLOEXEC = 1;
  public static final int FSCONFIG_SET_FLAG = 0;
  public static final int FSCONFIG_SET_STRING = 1;
  public static final int FSCONFIG_CMD_CREATE = 6;
  public static final int FSMOUNT_CLOEXEC = 1;

  // mount attributes (fsmount, mount_setattr)
  public static final int MOUNT_ATTR_RDONLY = 0x01;
  public static final int MOUNT_ATTR_NOSUID = 0x02;
  public static final int MOUNT_ATTR_NODEV = 0x04;
  public static final int MOUNT_ATTR_NOEXEC = 0x08;
  public static final int MOUNT_ATTR__ATIME = 0x70;
  public static final int MOUNT_ATTR_RELATIME = 0x00;
  public static final int MOUNT_ATTR_NOATIME = 0x10;
  public static final int MOUNT_ATTR_STRICTATIME = 0x20;
  public static final int MOUNT_ATTR_NODIRATIME = 0x80;

  // statx
  public static final int STATX_MNT_ID = 0x1000;

  // errno values the agent reacts to
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINVAL = 22;
  public static final int ENODEV = 19;
  public static final int ENOSYS = 38;
}
