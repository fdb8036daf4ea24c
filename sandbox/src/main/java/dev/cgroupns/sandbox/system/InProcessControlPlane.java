package dev.cgroupns.sandbox.system;

import dev.cgroupns.operator.IsolationOperator;
import dev.cgroupns.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator and the node agent's daemon, run in the sandbox's own JVM, each with its own client,
 * configured as in production except for what one machine does not need: no leader election, no
 * health or metrics endpoints.
 */
public final class InProcessControlPlane implements ControlPlane {

  /** How long deletion waits for agents to confirm the revert: short, the agent is local. */
  private static final Duration REVERT_TIMEOUT = Duration.ofSeconds(20);

  @Override
  public AutoCloseable startOperator(Config api) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(api).build();
    IsolationOperator operator =
        IsolationOperator.create(
            client,
            OperatorSettings.forLocalRun(false, REVERT_TIMEOUT),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    try {
      operator.start();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return () -> {
      try {
        operator.stop();
      } finally {
        client.close();
      }
    };
  }

  @Override
  public AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir) {
    throw new UnsupportedOperationException(
        "the node agent's daemon is not wired into the sandbox yet (module node-agent)");
  }
}
