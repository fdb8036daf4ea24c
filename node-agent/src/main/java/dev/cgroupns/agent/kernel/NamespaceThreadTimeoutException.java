package dev.cgroupns.agent.kernel;

import java.time.Duration;

/** The dedicated thread did not finish in time (the kernel blocked it, e.g. in a frozen cgroup). */
public class NamespaceThreadTimeoutException extends RuntimeException {
  public NamespaceThreadTimeoutException(String name, Duration timeout) {
    super(
        "namespace thread "
            + name
            + " did not finish within "
            + timeout.toMillis()
            + " ms; it was abandoned (a daemon thread) and may still hold kernel state");
  }
}
