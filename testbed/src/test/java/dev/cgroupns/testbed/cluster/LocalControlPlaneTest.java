package dev.cgroupns.testbed.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real control plane: a real server, real authentication and authorization. */
class LocalControlPlaneTest {

  private static LocalControlPlane cluster;

  @BeforeAll
  static void start() {
    cluster = TestClusters.controlPlane();
  }

  @Test
  void servesTheOfficialApiServersVersion() {
    String version = cluster.adminClient().getKubernetesVersion().getGitVersion();
    assertThat(version).matches("v1\\.\\d+\\.\\d+");
  }

  @Test
  void aUserWithoutRolesIsForbidden() {
    try (KubernetesClient nobody =
        new KubernetesClientBuilder()
            .withConfig(
                LocalControlPlane.configOf(cluster.userKubeconfig("nobody", List.of("people"))))
            .build()) {
      assertThatThrownBy(() -> nobody.pods().inNamespace("default").list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void aTokenBoundToAPodOnANodeCarriesTheNodeNameClaim() {
    String namespace = cluster.newNamespace("token");
    KubernetesClient admin = cluster.adminClient();
    String node = "node-" + namespace;
    admin
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
        .create();
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("agent").endMetadata().build())
        .create();
    admin
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("agent-pod")
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName("agent")
                .withNodeName(node)
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();

    String token = cluster.boundToken(namespace, "agent", "agent-pod");
    try (KubernetesClient agent =
        new KubernetesClientBuilder()
            .withConfig(LocalControlPlane.configOf(cluster.tokenKubeconfig("agent", token)))
            .build()) {
      SelfSubjectReview review = agent.resource(new SelfSubjectReview()).create();
      assertThat(review.getStatus().getUserInfo().getUsername())
          .isEqualTo("system:serviceaccount:" + namespace + ":agent");
      Map<String, List<String>> extra = review.getStatus().getUserInfo().getExtra();
      assertThat(extra).containsEntry("authentication.kubernetes.io/node-name", List.of(node));
    } finally {
      admin.nodes().withName(node).delete();
    }
  }

  @Test
  void closeStopsEveryProcessAndRemovesTheRunDirectory() throws Exception {
    java.nio.file.Path parent = java.nio.file.Files.createTempDirectory("cp-test");
    LocalControlPlane own = LocalControlPlane.start(cluster.binaries(), parent, line -> {});
    java.nio.file.Path runDir = own.runDirectory();
    assertThat(own.isRunning()).isTrue();
    Map<String, Long> pids = own.pids();
    assertThat(pids.keySet())
        .containsExactly("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler");
    own.close();
    assertThat(runDir).doesNotExist();
    assertThat(pids.values())
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true)));
    java.nio.file.Files.delete(parent);
  }

  @Test
  void aSweepStopsWhatADeadRunLeftAndRemovesItsDirectory() throws Exception {
    java.nio.file.Path parent = java.nio.file.Files.createTempDirectory("cp-sweep");
    java.nio.file.Path runDir = RunDirectories.create(parent);
    // The run's owner is gone: a pid that exists no more (its start time cannot match).
    java.nio.file.Files.writeString(runDir.resolve("owner"), "999999999 1");
    ComponentProcess left =
        ComponentProcess.start(
            "sleeper", java.nio.file.Path.of("/bin/sleep"), List.of("600"), runDir);
    java.nio.file.Path alive = RunDirectories.create(parent);

    List<java.nio.file.Path> removed = RunDirectories.sweep(parent, line -> {});

    assertThat(removed).containsExactly(runDir);
    assertThat(runDir).doesNotExist();
    assertThat(alive).exists();
    assertThat(ProcessHandle.of(left.pid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    RunDirectories.deleteTree(parent);
  }
}
