package dev.cgroupns.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

  @Test
  void whatWasInstalledIsCountedByKindInNameOrder() {
    assertThat(
            LocalCluster.countsByKind(
                List.of(
                    "CustomResourceDefinition/a.cgroupns.dev",
                    "Namespace/cgroup-isolation-system",
                    "CustomResourceDefinition/b.cgroupns.dev",
                    "ClusterRole/view")))
        .isEqualTo("1 ClusterRole, 2 CustomResourceDefinition, 1 Namespace");
  }
}
