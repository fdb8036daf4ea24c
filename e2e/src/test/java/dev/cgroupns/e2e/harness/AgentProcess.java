package dev.cgroupns.e2e.harness;

import dev.cgroupns.agent.cli.NodeAgentMain;
import dev.cgroupns.agent.testing.DaemonSetSettings;
import dev.cgroupns.testbed.cluster.Kubeconfigs;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node agent as its DaemonSet runs it, {@code node-agent run}, in a child JVM of its own, so
 * that a test can kill it with SIGKILL in the middle of its work, as the kernel's OOM killer or a
 * node problem would. It finds the API through a kubeconfig written for the endpoint and its node
 * through {@code NODE_NAME}, like the DaemonSet pod; its output goes to a log file.
 */
public final class AgentProcess extends ChildJvm {

  /** The agent's User-Agent header, so the endpoint's fault rules can tell it from the operator. */
  public static final String USER_AGENT = "cgroup-isolation-node-agent/e2e";

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

  private final int metricsPort;

  private AgentProcess(Process process, Path log, int metricsPort) {
    super(process, log, "the agent");
    this.metricsPort = metricsPort;
  }

  /**
   * How the agent's JVM runs.
   *
   * @param flags JVM flags, before the main class
   * @param environment added to the child's environment (e.g. the DaemonSet's MALLOC_ settings)
   */
  public record Jvm(List<String> flags, Map<String, String> environment) {
    public Jvm {
      flags = List.copyOf(flags);
      environment = Map.copyOf(environment);
    }

    /** A short-lived test JVM: quick start matters more than peak speed, and heap is ample. */
    public static final Jvm TEST =
        new Jvm(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"), Map.of());

    /**
     * Exactly the flags and malloc settings of the base DaemonSet, read from its manifest: the
     * small heap, and -XX:+ExitOnOutOfMemoryError, that hostile input must not defeat.
     */
    public static Jvm daemonSet() {
      DaemonSetSettings settings = DaemonSetSettings.read();
      return new Jvm(settings.jvmFlags(), settings.mallocSettings());
    }
  }

  /**
   * Starts the agent.
   *
   * @param api how to reach the API server: its URL, CA and the agent's bearer token
   * @param nodeName the node it serves
   * @param stateDir its revert records and locks (kept across restarts, as hostPath /run is)
   * @param requestTimeout how long its API client waits for an answer before giving up
   * @param resyncInterval how often it re-verifies every container and sweeps stale revert records
   * @param log where its output goes (appended, so restarts add to one file)
   * @param jvm its JVM flags and environment
   */
  public static AgentProcess start(
      Config api,
      String nodeName,
      Path stateDir,
      Duration requestTimeout,
      Duration resyncInterval,
      Path log,
      Jvm jvm)
      throws IOException {
    Files.createDirectories(stateDir);
    Path kubeconfig =
        Kubeconfigs.withToken(
            log.resolveSibling("agent-kubeconfig"),
            "e2e-agent",
            api.getMasterUrl().replaceAll("/+$", ""),
            new String(Base64.getDecoder().decode(api.getCaCertData()), StandardCharsets.US_ASCII),
            // A kubeconfig's token is the client's "auto" token in fabric8's configuration.
            api.getOauthToken() != null ? api.getOauthToken() : api.getAutoOAuthToken());
    int metricsPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvm.flags());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            NodeAgentMain.class.getName(),
            "run",
            "--state-dir=" + stateDir,
            "--metrics-port=" + metricsPort,
            "--resync-interval=" + resyncInterval.toSeconds() + "s"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.remove("JAVA_TOOL_OPTIONS");
    env.putAll(jvm.environment());
    env.put("NODE_NAME", nodeName);
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_HTTP2_DISABLE", "true");
    env.put("KUBERNETES_USER_AGENT", USER_AGENT);
    env.put("KUBERNETES_REQUEST_TIMEOUT", Long.toString(requestTimeout.toMillis()));
    return new AgentProcess(builder.start(), log, metricsPort);
  }

  /**
   * The value of one series of the agent's Prometheus metrics, summed over its labels; empty while
   * the agent does not serve it (not up yet, or no such series).
   */
  public OptionalDouble metric(String name) {
    Optional<HttpResponse<String>> response = get(metricsPort, "/metrics");
    if (response.isEmpty() || response.get().statusCode() != 200) {
      return OptionalDouble.empty();
    }
    String text = response.get().body();
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line.trim());
      if (m.matches() && m.group(1).equals(name)) {
        sum += Double.parseDouble(m.group(3));
        found = true;
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** The last lines of the agent's log, for failure messages. */
  public String logTail(int lines) {
    return tail(log(), lines);
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
