package dev.cgroupns.testbed.precondition;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine (root, runc, the Kubernetes binaries), checked in one way
 * everywhere: outside CI a missing precondition aborts the test with the reason (reported as
 * skipped); under {@code CI=true} it fails the test with the same reason, because CI installs
 * everything and a skip there would hide a broken environment.
 */
public final class Precondition {

  private Precondition() {}

  /** True when the build runs in CI (environment variable {@code CI=true}). */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips outside CI, fails in CI, with {@code reason}, unless {@code condition} holds. */
  public static void require(boolean condition, String reason) {
    require(condition, reason, inCi());
  }

  static void require(boolean condition, String reason, boolean ci) {
    if (condition) {
      return;
    }
    throw unmet(reason, ci);
  }

  /**
   * The exception for an unmet precondition, for {@code throw Precondition.unmet(reason)}: outside
   * CI a {@link TestAbortedException} to throw; in CI this throws the failure itself (an {@link
   * AssertionFailedError}, which is an Error and cannot be returned as a RuntimeException).
   */
  public static RuntimeException unmet(String reason) {
    return unmet(reason, inCi());
  }

  static RuntimeException unmet(String reason, boolean ci) {
    if (ci) {
      throw new AssertionFailedError("Required in CI (CI=true) but not met: " + reason);
    }
    return new TestAbortedException("Skipped outside CI: " + reason);
  }
}
