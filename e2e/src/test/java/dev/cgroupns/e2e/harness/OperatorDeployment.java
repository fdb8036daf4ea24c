package dev.cgroupns.e2e.harness;

import dev.cgroupns.testbed.kube.ProjectCrds;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operator's Deployment (manifests/base/operator/deployment.yaml) gives its JVM: the
 * JAVA_TOOL_OPTIONS and the container's memory limit. A benchmark that runs the operator outside a
 * container passes the limit as {@code -XX:MaxRAM}, so that {@code -XX:MaxRAMPercentage} sizes the
 * heap from it as it would inside the container, not from the whole machine's memory.
 */
public record OperatorDeployment(String javaToolOptions, long memoryLimitBytes) {

  public static final Path MANIFEST = Path.of("manifests/base/operator/deployment.yaml");

  /** Reads the manifest of the checkout this runs in (found from the CRDs' directory). */
  public static OperatorDeployment read() throws IOException {
    return read(ProjectCrds.directory().getParent());
  }

  public static OperatorDeployment read(Path repository) throws IOException {
    try (InputStream in = Files.newInputStream(repository.resolve(MANIFEST))) {
      return of(new KubernetesSerialization().unmarshal(in, Deployment.class));
    }
  }

  static OperatorDeployment of(Deployment deployment) {
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    String options =
        operator.getEnv().stream()
            .filter(e -> "JAVA_TOOL_OPTIONS".equals(e.getName()))
            .map(EnvVar::getValue)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no JAVA_TOOL_OPTIONS in the Deployment"))
            .trim();
    Quantity limit = operator.getResources().getLimits().get("memory");
    if (limit == null) {
      throw new IllegalStateException("no memory limit in the Deployment");
    }
    return new OperatorDeployment(options, Quantity.getAmountInBytes(limit).longValueExact());
  }

  /** The flag that stands in for the container's memory limit. */
  public String maxRamFlag() {
    return "-XX:MaxRAM=" + memoryLimitBytes;
  }
}
