package dev.cgroupns.sandbox.system;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;

/** The operator and the node agent's daemon, run in the sandbox's own JVM. */
public final class InProcessControlPlane implements ControlPlane {

  @Override
  public AutoCloseable startOperator(Config api) {
    throw new UnsupportedOperationException(
        "the operator is not wired into the sandbox yet (module operator)");
  }

  @Override
  public AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir) {
    throw new UnsupportedOperationException(
        "the node agent's daemon is not wired into the sandbox yet (module node-agent)");
  }
}
