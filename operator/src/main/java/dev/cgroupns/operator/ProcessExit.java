package dev.cgroupns.operator;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the operator's process ends, and with which status. SIGTERM is how Kubernetes stops a pod (a
 * rollout, a drain, a scale-down): a normal end, status 0 once the operator has stopped. A failure
 * (the lease lost, the start failed) is status 1, so that the kubelet restarts the container.
 *
 * <p>The JVM ends a shutdown begun by a signal with 128 + the signal (143 for SIGTERM), and a
 * shutdown hook can change that only by halting once its work is done. So the hook halts with the
 * status asked for here; every exit of the operator goes through {@link #fail()} or a signal.
 */
final class ProcessExit {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessExit.class);

  private final AtomicInteger status = new AtomicInteger();

  /** Runs {@code stop} in the JVM's shutdown hook, then ends the process with its status. */
  void onShutdown(Runnable stop) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stop.run();
                  } catch (RuntimeException e) {
                    LOG.error("shutdown failed", e);
                    status.set(1);
                  }
                  Runtime.getRuntime().halt(status.get());
                },
                "shutdown"));
  }

  /**
   * Ends the process with status 1, through the shutdown hook. Never from the hook itself: {@code
   * System.exit} there blocks forever.
   */
  void fail() {
    status.set(1);
    System.exit(1);
  }
}
