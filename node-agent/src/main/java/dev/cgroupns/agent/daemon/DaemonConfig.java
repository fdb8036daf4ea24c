package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.api.StatusWriter.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@code node-agent run}.
 *
 * @param nodeName the node this agent serves (NODE_NAME)
 * @param podNamespace the agent pod's namespace (POD_NAMESPACE); null outside a pod
 * @param podName the agent pod's name (POD_NAME); null outside a pod
 * @param procRoot the host's procfs
 * @param cgroupRoot the host's cgroupfs, as mounted into the agent
 * @param stateDir where revert records and locks live
 * @param metricsPort port of /healthz, /readyz and /metrics (0: any free port)
 * @param resyncInterval how often every isolated container is verified against the kernel
 * @param heartbeat how old status.lastVerified may get before a verifying pass writes it even
 *     though nothing else changed
 * @param batchDelay how long to gather events before a pass, so bursts become one write
 * @param parallelism how many containers the engine works on at once within a pass
 * @param writeRetry how status writes are retried
 * @param shutdownTimeout how long shutdown waits for the current pass
 */
public record DaemonConfig(
    String nodeName,
    String podNamespace,
    String podName,
    Path procRoot,
    Path cgroupRoot,
    Path stateDir,
    int metricsPort,
    Duration resyncInterval,
    Duration heartbeat,
    Duration batchDelay,
    int parallelism,
    RetryPolicy writeRetry,
    Duration shutdownTimeout) {

  public DaemonConfig {
    if (nodeName == null || nodeName.isBlank()) {
      throw new IllegalArgumentException(
          "the node name is required: set NODE_NAME (the DaemonSet sets it from spec.nodeName)"
              + " or pass --node-name");
    }
    Objects.requireNonNull(resyncInterval, "resyncInterval");
    if (resyncInterval.isNegative() || resyncInterval.isZero()) {
      throw new IllegalArgumentException("the resync interval must be positive");
    }
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException("parallelism must be between 1 and 64");
    }
  }

  /**
   * Containers isolated at once. Each isolation mostly waits on the kernel (unmounts wait for RCU
   * grace periods), so a few in parallel shorten a pass over a full node even on two cores.
   */
  public static final int DEFAULT_PARALLELISM = 4;

  /** The name written into status.agent: the pod's name, or the node's outside a pod. */
  public String agentName() {
    return podName == null || podName.isBlank() ? "node-agent@" + nodeName : podName;
  }

  /** Defaults for everything but the identity, as {@code node-agent run} uses them. */
  public static DaemonConfig defaults(String nodeName, String podNamespace, String podName) {
    return new DaemonConfig(
        nodeName,
        podNamespace,
        podName,
        Path.of("/proc"),
        Path.of("/sys/fs/cgroup"),
        Path.of("/run/cgroup-isolation"),
        8081,
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        Duration.ofMillis(100),
        DEFAULT_PARALLELISM,
        RetryPolicy.DEFAULT,
        Duration.ofSeconds(25));
  }
}
