package dev.cgroupns.e2e.bench;

import dev.cgroupns.e2e.harness.ChildJvm;
import dev.cgroupns.operator.OperatorMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator as its container runs it, in a child JVM: {@link OperatorMain} with the Deployment's
 * JAVA_TOOL_OPTIONS, its memory limit as {@code -XX:MaxRAM}, configured through the environment
 * like the Deployment, pointed at the given API endpoint. Leader election is off (the embedded
 * endpoint has no SelfSubjectRulesReview, which JOSDK calls before it elects) and the health
 * endpoint takes any free port. Output goes to a log file.
 */
public final class OperatorProcess extends ChildJvm {
  private final int healthPort;

  private OperatorProcess(Process process, Path log, int healthPort) {
    super(process, log, "the operator");
    this.healthPort = healthPort;
  }

  /**
   * @param classpath the operator's runtime classpath
   * @param extraJvmFlags e.g. {@code -XX:NativeMemoryTracking=summary}
   */
  public static OperatorProcess start(
      OperatorDeployment deployment,
      String apiUrl,
      String classpath,
      List<String> extraJvmFlags,
      Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add(deployment.maxRamFlag());
    command.addAll(extraJvmFlags);
    command.addAll(List.of("-cp", classpath, OperatorMain.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("JAVA_TOOL_OPTIONS", deployment.javaToolOptions());
    env.put("KUBERNETES_MASTER", apiUrl);
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", "default");
    // The embedded endpoint speaks HTTP/1.1 without TLS.
    env.put("KUBERNETES_HTTP2_DISABLE", "true");
    env.put("POD_NAMESPACE", "cgroup-isolation-system");
    env.put("LEADER_ELECTION", "false");
    int healthPort = freePort();
    env.put("HEALTH_PORT", Integer.toString(healthPort));
    return new OperatorProcess(builder.start(), log, healthPort);
  }

  /** Whether /readyz answers 200: started, and every informer synced. */
  public boolean ready() {
    return get(healthPort, "/readyz").map(r -> r.statusCode() == 200).orElse(false);
  }
}
