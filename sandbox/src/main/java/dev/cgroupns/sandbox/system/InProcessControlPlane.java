package dev.cgroupns.sandbox.system;

import dev.cgroupns.agent.daemon.DaemonConfig;
import dev.cgroupns.agent.daemon.NodeAgentDaemon;
import dev.cgroupns.agent.daemon.RunCommand;
import dev.cgroupns.agent.daemon.engine.KernelContainerEngine;
import dev.cgroupns.agent.daemon.nri.NriSettings;
import dev.cgroupns.operator.IsolationOperator;
import dev.cgroupns.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator and the node agent's daemon, run in the sandbox's own JVM, each with its own client,
 * configured as in production except for what one machine does not need: no leader election, no
 * operator health endpoint, the agent's ops endpoint on any free port, its state in the sandbox's
 * work directory.
 */
public final class InProcessControlPlane implements ControlPlane {

  /** How long deletion waits for agents to confirm the revert: short, the agent is local. */
  private static final Duration REVERT_TIMEOUT = Duration.ofSeconds(20);

  private static final Path PROC = Path.of("/proc");
  private static final Path CGROUPFS = Path.of("/sys/fs/cgroup");

  private final Duration revertTimeout;

  public InProcessControlPlane() {
    this(REVERT_TIMEOUT);
  }

  /**
   * @param revertTimeout how long the operator's deletion waits for agents to confirm their revert
   *     (tests of silent agents use a short one)
   */
  public InProcessControlPlane(Duration revertTimeout) {
    this.revertTimeout = revertTimeout;
  }

  @Override
  public AutoCloseable startOperator(Config api) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(api).build();
    IsolationOperator operator =
        IsolationOperator.create(
            client,
            OperatorSettings.forLocalRun(false, revertTimeout),
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
  public AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir)
      throws IOException {
    return startNodeAgent(api, nodeName, stateDir, NriSettings.disabled());
  }

  @Override
  public AutoCloseable startNodeAgent(Config api, String nodeName, Path stateDir, NriSettings nri)
      throws IOException {
    Files.createDirectories(stateDir);
    DaemonConfig defaults = DaemonConfig.defaults(nodeName, null, null);
    DaemonConfig config =
        new DaemonConfig(
            nodeName,
            null,
            null,
            PROC,
            CGROUPFS,
            stateDir,
            0,
            defaults.resyncInterval(),
            defaults.heartbeat(),
            defaults.batchDelay(),
            defaults.parallelism(),
            defaults.writeRetry(),
            defaults.shutdownTimeout());
    KernelContainerEngine engine =
        KernelContainerEngine.create(PROC, CGROUPFS, stateDir, (int) ProcessHandle.current().pid());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(api).build();
    NodeAgentDaemon daemon;
    try {
      daemon =
          RunCommand.wire(
              config,
              client,
              engine,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              Clock.systemUTC(),
              nri);
      daemon.start();
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    return () -> {
      try {
        daemon.close();
      } finally {
        client.close();
      }
    };
  }
}
