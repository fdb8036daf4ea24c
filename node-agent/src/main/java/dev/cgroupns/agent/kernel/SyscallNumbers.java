package dev.cgroupns.agent.kernel;

/**
 * System call numbers. The mount API calls (424 and up) share one table on every architecture; the
 * older calls differ between x86_64 and aarch64.
 */
final class SyscallNumbers {
  private SyscallNumbers() {}

  static final long OPEN_TREE = 428;
  static final long MOVE_MOUNT = 429;
  static final long FSOPEN = 430;
  static final long FSCONFIG = 431;
  static final long FSMOUNT = 432;
  static final long OPENAT2 = 437;
  static final long MOUNT_SETATTR = 442;

  static final long GETTID = isAarch64() ? 178 : 186;
  static final long STATX = isAarch64() ? 291 : 332;
  static final long FCNTL = isAarch64() ? 25 : 72;

  private static boolean isAarch64() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("aarch64") || arch.equals("arm64");
  }
}
