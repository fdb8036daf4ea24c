package dev.cgroupns.sandbox.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of tests that need root, runc or kubectl, with the contract of the node agent's
 * helper of the same name: outside CI a missing precondition skips the test with a visible reason;
 * under {@code CI=true} it fails the test, since CI provides all of them.
 *
 * <p>A copy only because the node agent's helper lives in its test sources, which no other module
 * can depend on; it goes once that helper is published in a test-jar.
 */
public final class Requirements {

  private Requirements() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void requireKubectl() {
    require(
        Files.isExecutable(Path.of("/usr/bin/kubectl")),
        "needs kubectl at /usr/bin/kubectl (the client these machines ship)");
  }

  public static void requireRootAndRunc() {
    require(isRoot(), "needs root (uid 0)");
    require(
        Files.isExecutable(Path.of("/usr/sbin/runc")),
        "needs runc at /usr/sbin/runc (apt-get install -y runc)");
    require(
        Files.isExecutable(Path.of("/bin/busybox")),
        "needs busybox at /bin/busybox (apt-get install -y busybox-static)");
  }

  public static void require(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if (inCi()) {
      fail("Required in CI (CI=true) but not met: " + reason);
    }
    Assumptions.abort("Skipped outside CI: " + reason);
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.substring(4).trim().split("\\s+")[0].equals("0"));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
