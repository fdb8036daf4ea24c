package dev.cgroupns.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.e2e.harness.BuiltImages;
import dev.cgroupns.e2e.harness.ChildJvm;
import dev.cgroupns.e2e.harness.ClientEnvironment;
import dev.cgroupns.e2e.harness.OperatorDeployment;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.runc.OciConfig.ImageRole;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's image, as the build made it, runs under runc (its unpacked layers the whole root
 * filesystem) with the Deployment's user, rights and JVM flags, against a real control plane with
 * the project installed, and becomes ready: its informers synced through the image's JDK HTTP
 * client and TLS, and its metrics include the JVM's (jdk.management is in the runtime).
 */
class OperatorImageTest {

  private RuncFixture runc;
  private Path image;

  @BeforeEach
  void setUp() {
    image = BuiltImages.archive("operator");
    runc = RuncFixture.create();
  }

  @AfterEach
  void tearDown() {
    if (runc != null) {
      runc.close();
    }
  }

  @Test
  void becomesReadyAgainstARealApiServer() throws Exception {
    LocalControlPlane cluster = TestClusters.withProject();
    int port = ChildJvm.freePort();
    Map<String, String> env =
        new LinkedHashMap<>(
            ClientEnvironment.of(PodIdentities.operator(cluster, "operator-image")));
    env.put("JAVA_TOOL_OPTIONS", OperatorDeployment.read().javaToolOptions());
    env.put("POD_NAMESPACE", "cgroup-isolation-system");
    env.put("POD_NAME", "operator-image");
    env.put(OperatorSettings.HEALTH_PORT, Integer.toString(port));
    // One replica, and no Lease left behind for the election tests that share this API server.
    env.put(OperatorSettings.LEADER_ELECTION, "false");

    long started = System.nanoTime();
    runc.startImage(image, List.of(), env, ImageRole.OPERATOR_ON_HOST_NETWORK);
    await("the operator image's /readyz")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status(port, "/readyz") == 200);
    System.out.printf(
        "operator image under runc: ready %d ms after start%n",
        (System.nanoTime() - started) / 1_000_000);

    String metrics = ChildJvm.get(port, "/metrics").map(HttpResponse::body).orElse("");
    assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_gc_", "process_cpu_usage");
  }

  private static int status(int port, String path) {
    Optional<HttpResponse<String>> response = ChildJvm.get(port, path);
    return response.map(HttpResponse::statusCode).orElse(-1);
  }
}
