package dev.cgroupns.sandbox.system;

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
}
