package dev.cgroupns.agent.daemon.api;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import java.time.Duration;

/**
 * Where a pass puts a node object's status. The pass logic only needs to know whether the write
 * landed, so that it can keep a status that did not and write it later; {@link ApiStatusWriter} is
 * the one that talks to the API server.
 */
public interface StatusWriter {
  /**
   * How often and how patiently to retry.
   *
   * @param attempts attempts per write
   * @param firstBackoff the wait after the first failure; doubled after each further one
   * @param maxBackoff the longest wait between attempts
   * @param nextPass when all attempts failed: how soon a pass over the object runs again
   */
  public record RetryPolicy(
      int attempts, Duration firstBackoff, Duration maxBackoff, Duration nextPass) {
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(10));

    public RetryPolicy {
      if (attempts < 1) {
        throw new IllegalArgumentException("at least one attempt");
      }
    }
  }

  /** What became of a write. */
  public enum Result {
    WRITTEN,
    /** The object (with that UID) is gone: nothing to write to. */
    GONE,
    /** Not written now; the caller keeps the status and tries again later. */
    FAILED
  }

  /** Writes the whole status of {@code object}; never throws for an API error. */
  Result write(CgroupIsolationNode object, CgroupIsolationNodeStatus status);
}
