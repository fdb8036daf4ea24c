package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The project deployed as users deploy it, on a real node: the images this build made, imported
 * into the node's containerd, and {@code kubectl apply -k} of {@code manifests/overlays/local} with
 * one setting of the node's own, where its containerd's NRI socket is ({@link AgentNri}), as a user
 * whose runtime keeps it elsewhere than {@code /var/run/nri} patches it. Closing it deletes the
 * workloads and the operator's Leases, stops the node, and removes the agent's state directory on
 * the host unless it was there before.
 */
public final class LocalOverlay implements AutoCloseable {

  public static final String SYSTEM = ProjectInstall.SYSTEM_NAMESPACE;
  public static final String OPERATOR = "cgroup-isolation-operator";
  public static final String AGENT = "cgroup-isolation-node-agent";

  /** The agent's state directory on the host (the DaemonSet's hostPath volume). */
  public static final Path AGENT_STATE = Path.of("/run/cgroup-isolation");

  public static final Duration STARTS_WITHIN = Duration.ofMinutes(5);

  /** Where the DaemonSet's agent looks for a runtime's NRI socket on this node. */
  public enum AgentNri {
    /**
     * The node's containerd socket directory ({@code RealNode}'s own, never the host's {@code
     * /var/run/nri}): the agent registers its plugin and targeted containers are isolated as they
     * are created.
     */
    NODE,
    /**
     * An empty directory of the node's, as on a node whose runtime has no NRI: the agent remounts.
     */
    NONE
  }

  public final RealNode node;
  public final LocalControlPlane plane;
  public final Kubectl kubectl;
  public final KubernetesClient admin;
  private final boolean agentStateExisted;
  private final boolean ownsNode;

  private LocalOverlay(
      RealNode node, LocalControlPlane plane, boolean agentStateExisted, boolean ownsNode) {
    this.ownsNode = ownsNode;
    this.node = node;
    this.plane = plane;
    this.kubectl = Kubectl.admin(plane);
    this.admin = plane.adminClient();
    this.agentStateExisted = agentStateExisted;
  }

  /** Starts a node, imports the images and applies the overlay; closing stops the node too. */
  public static LocalOverlay deploy(AgentNri nri) {
    Path operatorImage = BuiltImages.archive("operator");
    Path agentImage = BuiltImages.archive("node-agent");
    boolean agentStateExisted = Files.exists(AGENT_STATE);
    RealNode node = TestNodes.start();
    return deployed(
        new LocalOverlay(node, TestClusters.withProject(), agentStateExisted, true),
        nri,
        operatorImage,
        agentImage);
  }

  /** Deploys on a node the caller started and stops; closing leaves the node running. */
  public static LocalOverlay deployOn(RealNode node, LocalControlPlane plane, AgentNri nri) {
    Path operatorImage = BuiltImages.archive("operator");
    Path agentImage = BuiltImages.archive("node-agent");
    return deployed(
        new LocalOverlay(node, plane, Files.exists(AGENT_STATE), false),
        nri,
        operatorImage,
        agentImage);
  }

  private static LocalOverlay deployed(
      LocalOverlay overlay, AgentNri nri, Path operatorImage, Path agentImage) {
    try {
      overlay.apply(nri, operatorImage, agentImage);
    } catch (RuntimeException | Error e) {
      overlay.close();
      throw e;
    }
    return overlay;
  }

  private void apply(AgentNri nri, Path operatorImage, Path agentImage) {
    Instant importing = Instant.now();
    node.ctr("images", "import", operatorImage.toString());
    node.ctr("images", "import", agentImage.toString());
    Instant applying = Instant.now();
    System.out.println(
        "images imported in " + Duration.between(importing, applying).toMillis() + " ms");
    Path nriDirectory =
        switch (nri) {
          case NODE -> node.layout().nriSocketDirectory();
          case NONE -> node.layout().dir().resolve("run/no-nri");
        };
    Path kustomization =
        NodeKustomization.write(
            node.layout().dir().resolve("project"),
            TestClusters.checkout().resolve("manifests/overlays/local"),
            nriDirectory);
    ok(kubectl.run("apply", "--server-side", "-k", kustomization.toString()));
    Awaitility.await()
        .atMost(STARTS_WITHIN)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> readyReplicas() == 2);
    System.out.println(
        "operator Deployment 2/2 Ready "
            + Duration.between(applying, Instant.now()).toMillis()
            + " ms after kubectl apply");
    awaitAgentReady();
    System.out.println(
        "agent DaemonSet 1/1 Ready "
            + Duration.between(applying, Instant.now()).toMillis()
            + " ms after kubectl apply");
  }

  public void awaitAgentReady() {
    Awaitility.await()
        .atMost(STARTS_WITHIN)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> agentReady() == 1);
  }

  public int readyReplicas() {
    Deployment deployment = admin.apps().deployments().inNamespace(SYSTEM).withName(OPERATOR).get();
    Integer ready = deployment == null ? null : deployment.getStatus().getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  public int agentReady() {
    DaemonSet daemonSet = admin.apps().daemonSets().inNamespace(SYSTEM).withName(AGENT).get();
    Integer ready = daemonSet == null ? null : daemonSet.getStatus().getNumberReady();
    return ready == null ? 0 : ready;
  }

  public List<Pod> pods(String appName) {
    return admin
        .pods()
        .inNamespace(SYSTEM)
        .withLabel("app.kubernetes.io/name", appName)
        .list()
        .getItems();
  }

  /** The agent's pod; there is one, on the one node. */
  public Pod agentPod() {
    List<Pod> pods = pods(AGENT);
    assertThat(pods).as("agent pods").hasSize(1);
    return pods.get(0);
  }

  /**
   * Rolls the agent out again with {@code flags} appended to its JAVA_TOOL_OPTIONS, and waits until
   * the one agent pod is a new one with them, and Ready.
   */
  public void restartAgentWithJvmFlags(String flags) {
    String before = agentPod().getMetadata().getUid();
    admin
        .apps()
        .daemonSets()
        .inNamespace(SYSTEM)
        .withName(AGENT)
        .edit(
            daemonSet -> {
              EnvVar options =
                  daemonSet
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getContainers()
                      .get(0)
                      .getEnv()
                      .stream()
                      .filter(e -> "JAVA_TOOL_OPTIONS".equals(e.getName()))
                      .findFirst()
                      .orElseThrow(
                          () -> new IllegalStateException("no JAVA_TOOL_OPTIONS on the agent"));
              options.setValue(options.getValue() + " " + flags);
              return daemonSet;
            });
    Awaitility.await()
        .atMost(STARTS_WITHIN)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              List<Pod> pods = pods(AGENT);
              return pods.size() == 1
                  && !pods.get(0).getMetadata().getUid().equals(before)
                  && agentReady() == 1;
            });
  }

  /** Deletes the agent's DaemonSet and waits until its pod is gone: its JVM has exited. */
  public void deleteAgent() {
    ok(
        kubectl.run(
            "delete",
            "-n",
            SYSTEM,
            "daemonset/" + AGENT,
            "--cascade=foreground",
            "--wait=true",
            "--timeout=120s"));
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> pods(AGENT).isEmpty());
  }

  /** The Leases of the system namespace whose holder is one of the operator's pods. */
  public List<String> leaders(List<String> operatorPods) {
    return admin.leases().inNamespace(SYSTEM).list().getItems().stream()
        .filter(l -> l.getSpec() != null && operatorPods.contains(l.getSpec().getHolderIdentity()))
        .map(Lease::getMetadata)
        .map(m -> m.getName())
        .toList();
  }

  /** The isolation, the node objects and both workloads' logs: what a user would look at. */
  public String diagnostics(String namespace, String isolation) {
    StringBuilder out = new StringBuilder("CgroupIsolation " + isolation + " not as expected:");
    for (String[] args :
        List.of(
            new String[] {"get", "-n", namespace, "cgroupisolation/" + isolation, "-o", "yaml"},
            new String[] {"get", "cgroupisolationnodes", "-A", "-o", "yaml"},
            new String[] {"get", "events", "-n", namespace},
            new String[] {"get", "pods", "-n", namespace, "-o", "wide"},
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
    out.append("\n--- the agent's event and pass meters\n").append(agentMeters("cgroupns_agent_"));
    return out.toString();
  }

  /** The agent's /metrics lines starting with {@code prefix}, read on its pod IP. */
  public String agentMeters(String prefix) {
    try {
      String ip = agentPod().getStatus().getPodIP();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + ip + ":8081/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response
          .body()
          .lines()
          .filter(l -> l.startsWith(prefix))
          .collect(java.util.stream.Collectors.joining("\n"));
    } catch (IOException | RuntimeException | AssertionError e) {
      return "(unreadable: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  public static void ok(Kubectl.Result result) {
    assertThat(result.ok()).as(result.toString()).isTrue();
  }

  /**
   * The agent container's cgroup directory in one v1 hierarchy (or the v2 root, {@code ""}) of the
   * host, by the kubelet's cgroupfs names.
   */
  public Path agentCgroup(String hierarchy) {
    Pod pod = agentPod();
    String containerId =
        pod.getStatus().getContainerStatuses().get(0).getContainerID().replace("containerd://", "");
    return Path.of("/sys/fs/cgroup", hierarchy, "kubepods")
        .resolve(pod.getStatus().getQosClass().toLowerCase(java.util.Locale.ROOT))
        .resolve("pod" + pod.getMetadata().getUid())
        .resolve(containerId);
  }

  /** Whether the agent's state directory was left as it was found. */
  public boolean agentStateAsFound() {
    return Files.exists(AGENT_STATE) == agentStateExisted;
  }

  @Override
  public void close() {
    try {
      kubectl.run(
          "delete", "-n", SYSTEM, "deployment/" + OPERATOR, "daemonset/" + AGENT, "--wait=true");
      admin.leases().inNamespace(SYSTEM).delete();
    } finally {
      if (ownsNode) {
        node.close();
      }
      if (!agentStateExisted) {
        deleteTree(AGENT_STATE);
      }
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
