package dev.cgroupns.e2e.harness;

import dev.cgroupns.operator.OperatorMain;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator as its container runs it, in a child JVM: {@link OperatorMain} with the Deployment's
 * JAVA_TOOL_OPTIONS, its memory limit as {@code -XX:MaxRAM}, configured through the environment
 * like the Deployment, its client pointed at the API a {@link Config} describes ({@link
 * ClientEnvironment}). The health endpoint takes any free port. Output goes to a log file.
 */
public final class OperatorProcess extends ChildJvm {
  private final int healthPort;

  private OperatorProcess(Process process, Path log, int healthPort) {
    super(process, log, "the operator");
    this.healthPort = healthPort;
  }

  /**
   * @param api the API endpoint and the credentials the operator uses
   * @param settings the operator's environment beyond its API client's, e.g. {@code POD_NAME} or
   *     {@code LEADER_ELECTION} (see OperatorSettings); {@code POD_NAMESPACE} defaults to the
   *     Deployment's namespace
   * @param classpath the operator's runtime classpath
   * @param extraJvmFlags e.g. {@code -XX:NativeMemoryTracking=summary}
   */
  public static OperatorProcess start(
      OperatorDeployment deployment,
      Config api,
      Map<String, String> settings,
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
    env.putAll(ClientEnvironment.of(api));
    env.put("POD_NAMESPACE", "cgroup-isolation-system");
    int healthPort = freePort();
    env.put("HEALTH_PORT", Integer.toString(healthPort));
    env.putAll(settings);
    return new OperatorProcess(builder.start(), log, healthPort);
  }

  /** Whether /readyz answers 200: started, and every informer synced. */
  public boolean ready() {
    return get(healthPort, "/readyz").map(r -> r.statusCode() == 200).orElse(false);
  }
}
