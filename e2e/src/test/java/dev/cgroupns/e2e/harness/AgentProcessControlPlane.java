package dev.cgroupns.e2e.harness;

import dev.cgroupns.sandbox.system.ControlPlane;
import dev.cgroupns.sandbox.system.InProcessControlPlane;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane of the fault tests: the operator in this JVM, the node agent in a child JVM
 * ({@link AgentProcess}) that can be killed. Both API clients give up on an answer after {@link
 * #REQUEST_TIMEOUT} (10 s by default), so a held answer is a timeout within a short test, and each
 * names itself in its User-Agent, so fault rules can pick one of them.
 */
public final class AgentProcessControlPlane implements ControlPlane {

  /** How long either client waits for an answer. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How often the agent re-verifies its containers and sweeps revert records of containers that are
   * gone: short, so a test sees the sweep.
   */
  public static final Duration AGENT_RESYNC = Duration.ofSeconds(3);

  /** The operator's User-Agent header. */
  public static final String OPERATOR_USER_AGENT = "cgroup-isolation-operator/e2e";

  private final InProcessControlPlane operatorSide;
  private final AgentProcess.Jvm agentJvm;
  private final AtomicInteger agentStarts = new AtomicInteger();

  /**
   * @param revertTimeout how long the operator's deletion waits for a silent agent
   */
  public AgentProcessControlPlane(Duration revertTimeout) {
    this(revertTimeout, AgentProcess.Jvm.TEST);
  }

  /**
   * @param revertTimeout how long the operator's deletion waits for a silent agent
   * @param agentJvm how the agent's JVM runs, e.g. {@link AgentProcess.Jvm#daemonSet()}
   */
  public AgentProcessControlPlane(Duration revertTimeout, AgentProcess.Jvm agentJvm) {
    this.operatorSide = new InProcessControlPlane(revertTimeout);
    this.agentJvm = agentJvm;
  }

  @Override
  public AutoCloseable startOperator(Config api) throws Exception {
    return operatorSide.startOperator(
        new ConfigBuilder(api)
            .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
            .withUserAgent(OPERATOR_USER_AGENT)
            .build());
  }

  /**
   * The last lines of every agent log written for this state directory (one per start), for failure
   * messages: the work directory with the logs is gone once the cluster is closed.
   */
  public static String logTails(Path stateDir, int lines) {
    StringBuilder out = new StringBuilder();
    for (int start = 1; ; start++) {
      Path log = stateDir.resolveSibling("agent-" + start + ".log");
      if (!Files.exists(log)) {
        return out.toString();
      }
      out.append("--- ")
          .append(log)
          .append('\n')
          .append(AgentProcess.tail(log, lines))
          .append('\n');
    }
  }

  /** Starts {@code node-agent run} in a child JVM; its log is next to the state directory. */
  @Override
  public AgentProcess startNodeAgent(Config api, String nodeName, Path stateDir)
      throws IOException {
    Path log = stateDir.resolveSibling("agent-" + agentStarts.incrementAndGet() + ".log");
    return AgentProcess.start(
        api, nodeName, stateDir, REQUEST_TIMEOUT, AGENT_RESYNC, log, agentJvm);
  }
}
