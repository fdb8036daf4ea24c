package dev.cgroupns.e2e.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.IsolationConditions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sample CgroupIsolations users copy from, exactly as manifests/samples has them (only their
 * namespace becomes the test's), brought to their conditions by the operator running with its own
 * ServiceAccount: each sample says what it is for, and the status must say the same.
 */
class SamplesTest extends ClusterPerTest {

  @Test
  void theOperatorBringsEverySampleToItsCondition() throws IOException {
    E2ePod demo = cluster.startPod("demo-0", Map.of("app", "demo"));
    E2ePod batch = cluster.startPod("batch-0", Map.of("tier", "batch"));
    for (CgroupIsolation sample : samples()) {
      sample.getMetadata().setNamespace(cluster.namespace());
      cluster.apply(sample);
    }

    CgroupIsolation basic = cluster.awaitReady("demo");
    assertThat(basic.getStatus().isolated).isEqualTo(1);
    assertThat(reason(basic, "Ready")).isEqualTo("Isolated");

    CgroupIsolation audit = cluster.awaitReady("audit-batch-jobs");
    assertThat(reason(audit, "Ready")).isEqualTo("AuditComplete");

    // The base install does not permit read-write mounts: the sample is refused, as documented.
    CgroupIsolation readWrite = cluster.awaitStalled("systemd-workloads");
    assertThat(reason(readWrite, "Stalled")).isEqualTo("ReadWriteNotPermitted");
    assertThat(cluster.isRunning(demo) && cluster.isRunning(batch)).isTrue();
  }

  private static String reason(CgroupIsolation isolation, String type) {
    return IsolationConditions.condition(isolation, type).orElseThrow().getReason();
  }

  private List<CgroupIsolation> samples() throws IOException {
    Path dir = E2eCluster.repository().resolve("manifests/samples");
    List<Path> files;
    try (var listing = Files.list(dir)) {
      files =
          listing
              .filter(f -> f.toString().endsWith(".yaml"))
              .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList();
    }
    assertThat(files).hasSize(3);
    return files.stream().flatMap(f -> load(f).stream()).toList();
  }

  private List<CgroupIsolation> load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      // One CgroupIsolation per sample file.
      return List.of(
          cluster.client().getKubernetesSerialization().unmarshal(in, CgroupIsolation.class));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
