package dev.cgroupns.e2e.bench;

import dev.cgroupns.agent.daemon.NodeAgentDaemon;
import dev.cgroupns.agent.daemon.nri.NriSettings;
import dev.cgroupns.agent.testing.InProcessAgent;
import dev.cgroupns.e2e.harness.LocalOverlay;
import dev.cgroupns.sandbox.system.InProcessControlPlane;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.node.RealNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The operator and the agent of one path of the exposure bench, running until closed:
 *
 * <ul>
 *   <li>{@code remount} and {@code at-creation}: both in this JVM, each with its own client (the
 *       cluster admin's credentials), the agent wired as {@code node-agent run} wires it, without
 *       or with its NRI plugin on the node's socket;
 *   <li>{@code daemonset}: the project as users deploy it ({@link LocalOverlay}), the DaemonSet's
 *       NRI volume at the node's containerd socket directory: the agent pod isolates at creation;
 *   <li>{@code daemonset-remount}: the same on a node whose runtime offers no NRI (the volume an
 *       empty directory): the agent pod remounts.
 * </ul>
 */
interface Agents extends AutoCloseable {

  /** The agent pod's memory, when the agent runs as a pod. */
  default Optional<CgroupMemory> agentMemory() throws IOException {
    return Optional.empty();
  }

  /**
   * What the agent has done so far by its own meters: when it runs in this JVM, passes and their
   * time, isolations and their latency, status writes, and what the node showed of new containers;
   * as a pod, its JVM's memory by part (from its /metrics).
   */
  default Optional<String> agentWork() {
    return Optional.empty();
  }

  /**
   * The agent's JVM flags that write the classes it loads to {@code file} in its state directory.
   * Sharing off: with the image's archive mapped, the JVM would list only the classes it parsed.
   */
  static String classListFlags(String file) {
    return "-Xshare:off -XX:DumpLoadedClassList=" + LocalOverlay.AGENT_STATE.resolve(file);
  }

  /**
   * @param classList for the daemonset paths: where to write the list of classes the agent pod
   *     loaded from its start to its exit (see node-agent/src/main/cds), or empty
   */
  static Agents start(String path, RealNode node, LocalControlPlane plane, Optional<Path> classList)
      throws Exception {
    return switch (path) {
      case "remount" -> inProcess(node, plane, NriSettings.disabled());
      case "at-creation" ->
          inProcess(node, plane, new NriSettings(node.layout().nriSocket(), "10"));
      case "daemonset", "daemonset-remount" -> {
        LocalOverlay project =
            LocalOverlay.deployOn(
                node,
                plane,
                path.equals("daemonset") ? LocalOverlay.AgentNri.NODE : LocalOverlay.AgentNri.NONE);
        String listFile = "node-agent.classlist";
        if (classList.isPresent()) {
          project.restartAgentWithJvmFlags(classListFlags(listFile));
        }
        yield new Agents() {
          @Override
          public Optional<CgroupMemory> agentMemory() throws IOException {
            return Optional.of(CgroupMemory.read(project.agentCgroup("memory")));
          }

          @Override
          public Optional<String> agentWork() {
            return Optional.of(
                "the JVM's own account: " + JvmMemoryMeters.describe(project.agentMeters("jvm_")));
          }

          @Override
          public void close() throws IOException {
            try {
              if (classList.isPresent()) {
                // The JVM completes the list as it exits.
                project.deleteAgent();
                Path written = LocalOverlay.AGENT_STATE.resolve(listFile);
                Files.copy(written, classList.get(), StandardCopyOption.REPLACE_EXISTING);
                Files.delete(written);
                System.out.printf(
                    "the agent's class list: %s, %d lines%n",
                    classList.get().toAbsolutePath(), Files.readAllLines(classList.get()).size());
              }
            } finally {
              project.close();
            }
          }
        };
      }
      default ->
          throw new IllegalArgumentException(
              "bench.paths: '"
                  + path
                  + "' is none of remount, at-creation, daemonset, daemonset-remount");
    };
  }

  private static Agents inProcess(RealNode node, LocalControlPlane plane, NriSettings nri)
      throws Exception {
    AutoCloseable operator = new InProcessControlPlane().startOperator(plane.adminConfig());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(plane.adminConfig()).build();
    Path state = Files.createTempDirectory("exposure-bench-agent");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NodeAgentDaemon agent;
    try {
      agent = startAgent(node, client, state, registry, nri);
    } catch (Exception | Error e) {
      client.close();
      operator.close();
      throw e;
    }
    return new Agents() {
      @Override
      public Optional<String> agentWork() {
        return Optional.of(AgentWork.describe(registry));
      }

      @Override
      public void close() throws Exception {
        try {
          agent.close();
        } finally {
          client.close();
          operator.close();
          deleteTree(state);
        }
      }
    };
  }

  /** The agent as {@code node-agent run} wires it; started and ready. */
  private static NodeAgentDaemon startAgent(
      RealNode node,
      KubernetesClient client,
      Path state,
      PrometheusMeterRegistry registry,
      NriSettings nri)
      throws Exception {
    NodeAgentDaemon daemon = InProcessAgent.wire(node.name(), client, state, registry, nri);
    daemon.start();
    try {
      ExposureWindowBench.await("the agent ready", daemon::ready);
      if (nri.enabled()) {
        ExposureWindowBench.await(
            "the agent's NRI plugin registered",
            () -> registry.get("cgroupns.agent.nri.connected").gauge().value() == 1);
      }
    } catch (Exception | Error e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
