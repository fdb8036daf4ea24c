package dev.cgroupns.agent.testing;

import dev.cgroupns.agent.daemon.DaemonConfig;
import dev.cgroupns.agent.daemon.NodeAgentDaemon;
import dev.cgroupns.agent.daemon.RunCommand;
import dev.cgroupns.agent.daemon.engine.KernelContainerEngine;
import dev.cgroupns.agent.daemon.nri.NriSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The node agent in the test's JVM, wired as {@code node-agent run} wires it, for a real node: the
 * host's /proc and cgroupfs, the state in {@code state}, no metrics port. Not started.
 */
public final class InProcessAgent {
  private InProcessAgent() {}

  public static NodeAgentDaemon wire(
      String nodeName,
      KubernetesClient client,
      Path state,
      PrometheusMeterRegistry registry,
      NriSettings nri)
      throws IOException {
    DaemonConfig defaults = DaemonConfig.defaults(nodeName, null, null);
    DaemonConfig config =
        new DaemonConfig(
            nodeName,
            null,
            null,
            defaults.procRoot(),
            defaults.cgroupRoot(),
            state,
            0,
            defaults.resyncInterval(),
            defaults.heartbeat(),
            defaults.batchDelay(),
            defaults.parallelism(),
            defaults.writeRetry(),
            defaults.shutdownTimeout());
    return RunCommand.wire(
        config,
        client,
        KernelContainerEngine.create(
            config.procRoot(), config.cgroupRoot(), state, (int) ProcessHandle.current().pid()),
        registry,
        Clock.systemUTC(),
        nri);
  }
}
