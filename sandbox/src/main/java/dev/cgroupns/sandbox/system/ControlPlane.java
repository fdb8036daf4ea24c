package dev.cgroupns.sandbox.system;

import dev.cgroupns.agent.daemon.nri.NriSettings;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;

/** Starts the project's own components in this process, against a given API endpoint. */
public interface ControlPlane {

  /** Starts the operator; closing the result stops it (gracefully). */
  AutoCloseable startOperator(Config api) throws Exception;

  /**
   * Starts one node agent for {@code nodeName}, keeping its state (revert records, locks) under
   * {@code stateDir}; closing the result stops it.
   */
  AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir) throws Exception;

  /**
   * As {@link #startNodeAgent(Config, String, Path)}, with the agent's NRI plugin on the runtime's
   * socket when {@code nri} is enabled, so that containers created after their isolation get their
   * own cgroup namespace at creation.
   */
  default AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir, NriSettings nri)
      throws Exception {
    if (nri.enabled()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " runs no NRI plugin");
    }
    return startNodeAgent(api, nodeName, stateDir);
  }
}
