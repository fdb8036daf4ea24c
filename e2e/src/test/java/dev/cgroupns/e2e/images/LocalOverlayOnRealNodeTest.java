package dev.cgroupns.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.IsolationConditions;
import dev.cgroupns.e2e.harness.StatusViews;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
 * pull policy and the API's address). The operator's two replicas and the agent's DaemonSet pod run
 * under the kubelet with the base's rights, probes and JVM flags; a CgroupIsolation then isolates
 * real pods, and deleting it gives them back what they had. Timings are printed.
 */
class LocalOverlayOnRealNodeTest {

  private static final String SYSTEM = ProjectInstall.SYSTEM_NAMESPACE;
  private static final String OPERATOR = "cgroup-isolation-operator";
  private static final String AGENT = "cgroup-isolation-node-agent";

  /** The agent's state directory on the host (the DaemonSet's hostPath volume). */
  private static final Path AGENT_STATE = Path.of("/run/cgroup-isolation");

  private static final List<String> PODS = List.of("plain", "privileged", "host-cgroupfs");
  private static final Duration STARTS_WITHIN = Duration.ofMinutes(5);

  @Test
  void operatorAndAgentRunFromTheOverlayAndIsolateRealPods() throws Exception {
    Path operatorImage = BuiltImages.archive("operator");
    Path agentImage = BuiltImages.archive("node-agent");
    boolean agentStateExisted = Files.exists(AGENT_STATE);
    RealNode node = TestNodes.start();
    LocalControlPlane plane = TestClusters.withProject();
    Kubectl kubectl = Kubectl.admin(plane);
    KubernetesClient admin = plane.adminClient();
    try {
      Instant importing = Instant.now();
      node.ctr("images", "import", operatorImage.toString());
      node.ctr("images", "import", agentImage.toString());
      Instant applying = Instant.now();
      System.out.println(
          "images imported in " + Duration.between(importing, applying).toMillis() + " ms");

      ok(
          kubectl.run(
              "apply",
              "--server-side",
              "-k",
              TestClusters.checkout().resolve("manifests/overlays/local").toString()));
      Awaitility.await()
          .atMost(STARTS_WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> readyReplicas(admin) == 2);
      System.out.println(
          "operator Deployment 2/2 Ready "
              + Duration.between(applying, Instant.now()).toMillis()
              + " ms after kubectl apply");
      Awaitility.await()
          .atMost(STARTS_WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> agentReady(admin) == 1);
      System.out.println(
          "agent DaemonSet 1/1 Ready "
              + Duration.between(applying, Instant.now()).toMillis()
              + " ms after kubectl apply");

      List<String> operatorPods =
          admin
              .pods()
              .inNamespace(SYSTEM)
              .withLabel("app.kubernetes.io/name", OPERATOR)
              .list()
              .getItems()
              .stream()
              .map(p -> p.getMetadata().getName())
              .toList();
      assertThat(operatorPods).hasSize(2);
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> !leaders(admin, operatorPods).isEmpty());
      assertThat(leaders(admin, operatorPods)).as("Leases held by an operator pod").hasSize(1);

      Pod agentPod =
          admin
              .pods()
              .inNamespace(SYSTEM)
              .withLabel("app.kubernetes.io/name", AGENT)
              .list()
              .getItems()
              .get(0);
      assertThat(nodeNameClaim(node, agentPod))
          .as("node claim of the token the kubelet projected into the agent pod")
          .isEqualTo(node.name());

      isolatesRealPodsAndRestoresThem(node, plane, kubectl);
    } finally {
      try {
        kubectl.run(
            "delete", "-n", SYSTEM, "deployment/" + OPERATOR, "daemonset/" + AGENT, "--wait=true");
        admin.leases().inNamespace(SYSTEM).delete();
      } finally {
        node.close();
        if (!agentStateExisted) {
          deleteTree(AGENT_STATE);
        }
      }
    }
    assertThat(node.leftovers()).isEmpty();
    assertThat(Files.exists(AGENT_STATE)).isEqualTo(agentStateExisted);
  }

  private void isolatesRealPodsAndRestoresThem(
      RealNode node, LocalControlPlane plane, Kubectl kubectl) {
    KubernetesClient admin = plane.adminClient();
    String namespace = plane.newNamespace("local-overlay");
    ok(kubectl.runWithInput(podsYaml(node.name()), "apply", "-n", namespace, "-f", "-"));
    Awaitility.await()
        .atMost(STARTS_WITHIN)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> PODS.stream().allMatch(p -> podReady(admin, namespace, p)));

    Map<String, List<ContainerView.CgroupMount>> before = new LinkedHashMap<>();
    for (String pod : PODS) {
      before.put(pod, cgroupMounts(kubectl, namespace, pod));
    }

    Instant isolating = Instant.now();
    ok(kubectl.runWithInput(isolationYaml(), "apply", "-n", namespace, "-f", "-"));
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                CgroupIsolation isolation =
                    admin
                        .resources(CgroupIsolation.class)
                        .inNamespace(namespace)
                        .withName("demo")
                        .get();
                return isolation != null
                    && IsolationConditions.readyForCurrentGeneration(isolation);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(diagnostics(kubectl, namespace), e);
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
      String own = ownCgroup(admin.pods().inNamespace(namespace).withName(pod).get());
      assertThat(cgroupMounts(kubectl, namespace, pod))
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

    Instant deleting = Instant.now();
    ok(kubectl.run("delete", "-n", namespace, "cgroupisolation/demo", "--wait=true"));
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                PODS.stream()
                    .allMatch(
                        p ->
                            StatusViews.mounts(cgroupMounts(kubectl, namespace, p))
                                .equals(StatusViews.mounts(before.get(p)))));
    System.out.println(
        "every pod's own mounts back "
            + Duration.between(deleting, Instant.now()).toMillis()
            + " ms after kubectl delete");
    ok(kubectl.run("delete", "namespace", namespace, "--wait=true"));
  }

  /** The isolation, the node objects and both workloads' logs: what a user would look at. */
  private static String diagnostics(Kubectl kubectl, String namespace) {
    StringBuilder out = new StringBuilder("CgroupIsolation not Ready:");
    for (String[] args :
        List.of(
            new String[] {"get", "-n", namespace, "cgroupisolation/demo", "-o", "yaml"},
            new String[] {"get", "cgroupisolationnodes", "-A", "-o", "yaml"},
            new String[] {"get", "events", "-n", namespace},
            new String[] {
              "logs", "-n", SYSTEM, "-l", "app.kubernetes.io/name=" + AGENT, "--tail=60"
            },
            new String[] {
              "logs", "-n", SYSTEM, "-l", "app.kubernetes.io/name=" + OPERATOR, "--tail=40"
            })) {
      out.append("\n--- kubectl ").append(String.join(" ", args)).append('\n');
      Kubectl.Result result = kubectl.run(args);
      out.append(result.out()).append(result.err());
    }
    return out.toString();
  }

  private static int readyReplicas(KubernetesClient admin) {
    Deployment deployment = admin.apps().deployments().inNamespace(SYSTEM).withName(OPERATOR).get();
    Integer ready = deployment == null ? null : deployment.getStatus().getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  private static int agentReady(KubernetesClient admin) {
    DaemonSet daemonSet = admin.apps().daemonSets().inNamespace(SYSTEM).withName(AGENT).get();
    Integer ready = daemonSet == null ? null : daemonSet.getStatus().getNumberReady();
    return ready == null ? 0 : ready;
  }

  /** The Leases of the system namespace whose holder is one of the operator's pods. */
  private static List<String> leaders(KubernetesClient admin, List<String> operatorPods) {
    return admin.leases().inNamespace(SYSTEM).list().getItems().stream()
        .filter(l -> l.getSpec() != null && operatorPods.contains(l.getSpec().getHolderIdentity()))
        .map(Lease::getMetadata)
        .map(m -> m.getName())
        .toList();
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

  private static boolean podReady(KubernetesClient admin, String namespace, String name) {
    Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
    return pod != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  /** The container's cgroup as the kubelet names it (cgroupfs driver, best-effort pod). */
  private static String ownCgroup(Pod pod) {
    String containerId =
        pod.getStatus().getContainerStatuses().get(0).getContainerID().replace("containerd://", "");
    return "/kubepods/besteffort/pod" + pod.getMetadata().getUid() + "/" + containerId;
  }

  private static List<ContainerView.CgroupMount> cgroupMounts(
      Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result mountinfo =
        kubectl.run("exec", "-n=" + namespace, pod, "--", "cat", "/proc/self/mountinfo");
    ok(mountinfo);
    return ContainerViewReader.cgroupMounts(mountinfo.out().lines().toList());
  }

  private static void ok(Kubectl.Result result) {
    assertThat(result.ok()).as(result.toString()).isTrue();
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

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
