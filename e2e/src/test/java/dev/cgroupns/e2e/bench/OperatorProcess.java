package dev.cgroupns.e2e.bench;

import dev.cgroupns.operator.OperatorMain;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its container runs it, in a child JVM: {@link OperatorMain} with the Deployment's
 * JAVA_TOOL_OPTIONS, its memory limit as {@code -XX:MaxRAM}, configured through the environment
 * like the Deployment, pointed at the given API endpoint. Leader election is off (the embedded
 * endpoint has no SelfSubjectRulesReview, which JOSDK calls before it elects) and the health
 * endpoint takes any free port. Output goes to a log file.
 */
public final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int healthPort;

  private OperatorProcess(Process process, Path log, int healthPort) {
    this.process = process;
    this.log = log;
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
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + healthPort + "/readyz").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** SIGTERM (the operator shuts down gracefully), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
