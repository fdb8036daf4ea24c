package dev.cgroupns.agent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of tests that need the real kernel, root or runc.
 *
 * <p>Outside CI a missing precondition aborts the test with a visible reason (reported as skipped).
 * Under {@code CI=true} the same precondition fails the test: CI runs as root with runc installed,
 * so a skip there would hide a broken environment or a broken test.
 */
public final class Requirements {

  private static final Path RUNC = Path.of("/usr/sbin/runc");
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private Requirements() {}

  /** True when the build runs in CI (environment variable {@code CI=true}). */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The test needs uid 0 (CAP_SYS_ADMIN for namespaces, mounts and cgroup creation). */
  public static void requireRoot() {
    require(isRoot(), "needs root (uid 0); running as uid " + currentUid());
  }

  /** The test needs runc at /usr/sbin/runc and root. */
  public static void requireRunc() {
    requireRoot();
    require(Files.isExecutable(RUNC), "needs runc at " + RUNC + " (bin/setup installs it)");
  }

  /** The test needs a static busybox at /bin/busybox to build container root filesystems. */
  public static void requireBusybox() {
    require(
        Files.isExecutable(BUSYBOX), "needs busybox at " + BUSYBOX + " (bin/setup installs it)");
  }

  /** The test needs an executable found on PATH, e.g. {@code unshare} from util-linux. */
  public static void requireExecutable(String name) {
    require(onPath(name), "needs '" + name + "' on PATH");
  }

  /** The test needs a Linux kernel with procfs mounted at /proc. */
  public static void requireLinuxProc() {
    require(Files.isReadable(Path.of("/proc/self/mountinfo")), "needs Linux with /proc mounted");
  }

  /**
   * Generic precondition: skips outside CI with {@code reason}, fails in CI with the same reason.
   */
  public static void require(boolean condition, String reason) {
    require(condition, reason, inCi());
  }

  static void require(boolean condition, String reason, boolean ci) {
    if (condition) {
      return;
    }
    if (ci) {
      fail("Required in CI (CI=true) but not met: " + reason);
    }
    Assumptions.abort("Skipped outside CI: " + reason);
  }

  private static boolean isRoot() {
    return "0".equals(currentUid());
  }

  /** Reads the real uid from /proc/self/status so no native library is needed. */
  private static String currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[0];
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }

  private static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
