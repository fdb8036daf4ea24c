package dev.cgroupns.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigAndStatusTest {

  @Test
  void kubeconfigPointsAtTheLocalEndpointAndIsPrivate(@TempDir Path dir) throws Exception {
    Path file = KubeconfigWriter.write(dir, "http://127.0.0.1:40123");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Config config = Config.fromKubeconfig(null, Files.readString(file), file.toString());
    assertThat(config.getMasterUrl()).startsWith("http://127.0.0.1:40123");
    assertThat(config.getNamespace()).isEqualTo("default");
    assertThat(config.getCurrentContext().getName()).isEqualTo(KubeconfigWriter.CONTEXT);
    assertThatThrownBy(() -> KubeconfigWriter.write(dir, "http://example.com:80"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readyMeansReadyTrueForTheCurrentGeneration() {
    GenericKubernetesResource cgi = isolation(2L, 2L, "True");
    assertThat(IsolationStatusWatcher.isReady(cgi)).isTrue();
    assertThat(IsolationStatusWatcher.summary(cgi))
        .isEqualTo("Ready=True (AllIsolated): matched 3, isolated 3, failed 0");
    assertThat(IsolationStatusWatcher.isReady(isolation(3L, 2L, "True"))).isFalse();
    assertThat(IsolationStatusWatcher.isReady(isolation(2L, 2L, "False"))).isFalse();
    GenericKubernetesResource fresh = new GenericKubernetesResource();
    fresh.setMetadata(new ObjectMetaBuilder().withName("demo").withGeneration(1L).build());
    assertThat(IsolationStatusWatcher.isReady(fresh)).isFalse();
    assertThat(IsolationStatusWatcher.summary(fresh))
        .isEqualTo("Ready=<none yet>: matched -, isolated -, failed -");
  }

  private static GenericKubernetesResource isolation(long generation, long observed, String ready) {
    GenericKubernetesResource cgi = new GenericKubernetesResource();
    cgi.setMetadata(new ObjectMetaBuilder().withName("demo").withGeneration(generation).build());
    cgi.setAdditionalProperty(
        "status",
        Map.of(
            "observedGeneration",
            observed,
            "matched",
            3,
            "isolated",
            3,
            "failed",
            0,
            "conditions",
            List.of(Map.of("type", "Ready", "status", ready, "reason", "AllIsolated"))));
    return cgi;
  }
}
