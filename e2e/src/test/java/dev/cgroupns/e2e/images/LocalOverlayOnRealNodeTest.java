package dev.cgroupns.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.IsolatedBy;
import dev.cgroupns.e2e.bench.JvmMemoryMeters;
import dev.cgroupns.e2e.harness.LocalOverlay;
import dev.cgroupns.e2e.harness.StatusViews;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import dev.cgroupns.testbed.node.RealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The project as users deploy it, on a real node: the images this build made, imported into the
 * node's containerd, and {@code kubectl apply -k manifests/overlays/local} (the base, but for the
 * pull policy and the API's address), with the DaemonSet's NRI volume at the node's containerd
 * socket directory. The operator's two replicas and the agent's DaemonSet pod run under the kubelet
 * with the base's rights, probes and JVM flags; a CgroupIsolation then isolates real pods that ran
 * before it by remounting, a pod created after it at creation through the DaemonSet's NRI plugin,
 * and deleting it gives the remounted pods back what they had. Timings are printed.
 */
class LocalOverlayOnRealNodeTest {

  private static final List<String> PODS = List.of("plain", "privileged", "host-cgroupfs");
  private static final String LATE = "born-isolated";

  @Test
  void operatorAndAgentRunFromTheOverlayAndIsolateRealPods() throws Exception {
    LocalOverlay overlay = LocalOverlay.deploy(LocalOverlay.AgentNri.NODE);
    try {
      List<String> operatorPods =
          overlay.pods(LocalOverlay.OPERATOR).stream().map(p -> p.getMetadata().getName()).toList();
      assertThat(operatorPods).hasSize(2);
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> !overlay.leaders(operatorPods).isEmpty());
      assertThat(overlay.leaders(operatorPods)).as("Leases held by an operator pod").hasSize(1);

      assertThat(nodeNameClaim(overlay.node, overlay.agentPod()))
          .as("node claim of the token the kubelet projected into the agent pod")
          .isEqualTo(overlay.node.name());

      isolatesRealPodsAndRestoresThem(overlay);
    } finally {
      overlay.close();
    }
    assertThat(overlay.node.leftovers()).isEmpty();
    assertThat(overlay.agentStateAsFound()).isTrue();
  }

  private void isolatesRealPodsAndRestoresThem(LocalOverlay overlay) {
    RealNode node = overlay.node;
    LocalControlPlane plane = overlay.plane;
    Kubectl kubectl = overlay.kubectl;
    KubernetesClient admin = overlay.admin;
    String namespace = plane.newNamespace("local-overlay");
    LocalOverlay.ok(
        kubectl.runWithInput(podsYaml(node.name()), "apply", "-n", namespace, "-f", "-"));
    Awaitility.await()
        .atMost(LocalOverlay.STARTS_WITHIN)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> PODS.stream().allMatch(p -> RealPods.ready(admin, namespace, p)));

    Map<String, List<ContainerView.CgroupMount>> before = new LinkedHashMap<>();
    for (String pod : PODS) {
      before.put(pod, RealPods.cgroupMounts(kubectl, namespace, pod));
    }

    Instant isolating = Instant.now();
    LocalOverlay.ok(kubectl.runWithInput(isolationYaml(), "apply", "-n", namespace, "-f", "-"));
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> RealPods.isolationReady(admin, namespace, "demo"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(overlay.diagnostics(namespace, "demo"), e);
    }
    System.out.println(
        "CgroupIsolation Ready "
            + Duration.between(isolating, Instant.now()).toMillis()
            + " ms after kubectl apply");
    CgroupIsolation ready =
        admin.resources(CgroupIsolation.class).inNamespace(namespace).withName("demo").get();
    assertThat(ready.getStatus().matched).isEqualTo(PODS.size());
    assertThat(ready.getStatus().isolated).isEqualTo(PODS.size());

    for (String pod : PODS) {
      String own = RealPods.ownCgroup(admin.pods().inNamespace(namespace).withName(pod).get());
      assertThat(RealPods.cgroupMounts(kubectl, namespace, pod))
          .as("cgroup mounts inside %s", pod)
          .hasSameSizeAs(before.get(pod))
          .allSatisfy(
              m -> {
                assertThat(m.root()).isEqualTo(own);
                assertThat(m.access()).isEqualTo("ro");
              });
      Kubectl.Result write =
          kubectl.run(
              "exec", "-n=" + namespace, pod, "--", "mkdir", "/sys/fs/cgroup/memory/escape");
      assertThat(write.ok()).as("a write inside %s: %s", pod, write).isFalse();
      assertThat(write.err()).contains("Read-only file system");
    }

    bornIsolated(overlay, namespace);

    Instant deleting = Instant.now();
    LocalOverlay.ok(kubectl.run("delete", "-n", namespace, "cgroupisolation/demo", "--wait=true"));
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                PODS.stream()
                    .allMatch(
                        p ->
                            StatusViews.mounts(RealPods.cgroupMounts(kubectl, namespace, p))
                                .equals(StatusViews.mounts(before.get(p)))));
    System.out.println(
        "every pod's own mounts back "
            + Duration.between(deleting, Instant.now()).toMillis()
            + " ms after kubectl delete");
    LocalOverlay.ok(kubectl.run("delete", "namespace", namespace, "--wait=true"));

    // The image's class-data archive holds the classes of this work, so the agent parsed few into
    // its metaspace (3 to 4 MiB; 30 without the archive). More means the archive did not map, or
    // the class list is stale: regenerate it as e2e/README.md says, "The agent's class list".
    String meters = overlay.agentMeters("jvm_memory_committed_bytes");
    double metaspace = JvmMemoryMeters.committedMiB(meters).get("metaspace");
    System.out.printf("the agent's metaspace: %.1f MiB committed%n", metaspace);
    assertThat(metaspace).as("metaspace MiB, from %s", meters).isBetween(0.5, 10.0);
  }

  /**
   * The DaemonSet's agent has its NRI plugin on the node's containerd, through the socket directory
   * it mounts: a privileged pod created now is born in a cgroup namespace of its own. Its command's
   * first read of /proc/self/cgroup shows only "/", its cgroupfs is rooted there, read-only, and
   * the status says so.
   */
  private static void bornIsolated(LocalOverlay overlay, String namespace) {
    KubernetesClient admin = overlay.admin;
    Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                admin
                    .resources(CgroupIsolation.class)
                    .inNamespace(namespace)
                    .withName("demo")
                    .get()
                    .getStatus()
                    .nodes
                    .stream()
                    .anyMatch(n -> Boolean.TRUE.equals(n.isolatesAtCreation)));
    LocalOverlay.ok(
        overlay.kubectl.runWithInput(
            BusyboxPodYaml.render(
                LATE,
                overlay.node.name(),
                Map.of("app", "demo"),
                List.of(
                    "/bin/sh", "-c", "cat /proc/self/cgroup > /tmp/first-read; exec sleep 3600"),
                true,
                false),
            "apply",
            "-n",
            namespace,
            "-f",
            "-"));
    try {
      Awaitility.await()
          .atMost(LocalOverlay.STARTS_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  RealPods.ready(admin, namespace, LATE)
                      && RealPods.result(admin, namespace, LATE)
                          .map(r -> r.phase == ContainerPhase.Isolated)
                          .orElse(false));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(overlay.diagnostics(namespace, "demo"), e);
    }
    assertThat(RealPods.result(admin, namespace, LATE).orElseThrow().isolatedBy)
        .isEqualTo(IsolatedBy.AtCreation);
    Kubectl.Result first =
        overlay.kubectl.run("exec", "-n=" + namespace, LATE, "--", "cat", "/tmp/first-read");
    LocalOverlay.ok(first);
    assertThat(first.out().lines().toList())
        .as("the first read of /proc/self/cgroup in %s", LATE)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).endsWith(":/"));
    assertThat(RealPods.cgroupMounts(overlay.kubectl, namespace, LATE))
        .as("cgroup mounts inside %s", LATE)
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.root()).isEqualTo("/");
              assertThat(m.access()).isEqualTo("ro");
            });
  }

  /**
   * The node name in the service-account token the kubelet wrote into the pod's projected volume
   * (read on the host, since the agent's image has no shell).
   */
  private static String nodeNameClaim(RealNode node, Pod pod) throws IOException {
    Path volumes =
        node.layout()
            .kubeletRoot()
            .resolve("pods")
            .resolve(pod.getMetadata().getUid())
            .resolve("volumes/kubernetes.io~projected");
    Path token;
    try (Stream<Path> dirs = Files.list(volumes)) {
      token =
          dirs.filter(d -> d.getFileName().toString().startsWith("kube-api-access"))
              .map(d -> d.resolve("token"))
              .findFirst()
              .orElseThrow();
    }
    String payload = Files.readString(token).trim().split("\\.")[1];
    JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(payload));
    return claims.path("kubernetes.io").path("node").path("name").asText();
  }

  private static String isolationYaml() {
    return """
        apiVersion: cgroupns.dev/v1alpha1
        kind: CgroupIsolation
        metadata:
          name: demo
        spec:
          # The pod with the host's cgroupfs too: by default it would be left alone.
          hostCgroupfsPods: Include
          podSelector:
            matchLabels:
              app: demo
        """;
  }

  /**
   * Plain, privileged and one with the host's /sys/fs/cgroup by hostPath, all labelled app=demo.
   */
  private static String podsYaml(String nodeName) {
    StringBuilder yaml = new StringBuilder();
    for (String name : PODS) {
      yaml.append(
          BusyboxPodYaml.render(
              name,
              nodeName,
              Map.of("app", "demo"),
              List.of("/bin/sleep", "3600"),
              name.equals("privileged"),
              name.equals("host-cgroupfs")));
    }
    return yaml.toString();
  }
}
