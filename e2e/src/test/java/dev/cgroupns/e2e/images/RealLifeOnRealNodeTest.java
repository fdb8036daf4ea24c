package dev.cgroupns.e2e.images;

import static dev.cgroupns.e2e.harness.LocalOverlay.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.LocalOverlay;
import dev.cgroupns.e2e.harness.StatusViews;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What happens on a real node while an isolation holds, with the project deployed from the local
 * overlay on a node whose runtime offers no NRI, so that every container is isolated by remounting
 * and has its mounts given back (LocalOverlayOnRealNodeTest covers the DaemonSet at creation): the
 * kubelet restarts a container, a pod is deleted as it is being isolated, the agent's pod is
 * deleted and comes back, and containerd restarts. After each, the status, the Events and what the
 * containers see agree, nothing is done twice, and nothing is left half-done; deleting the
 * isolation then gives every pod back what it had.
 */
class RealLifeOnRealNodeTest {
  private static final String ISOLATION = "life";
  private static final Map<String, String> LABELS = Map.of("app", "life");
  private static final Duration SETTLES_WITHIN = Duration.ofMinutes(2);

  private LocalOverlay overlay;
  private Kubectl kubectl;
  private KubernetesClient admin;
  private String namespace;

  @Test
  void anIsolationHoldsThroughRestartsDeletionsAndTheAgentsReturn() throws Exception {
    overlay = LocalOverlay.deploy(LocalOverlay.AgentNri.NONE);
    try {
      kubectl = overlay.kubectl;
      admin = overlay.admin;
      namespace = overlay.plane.newNamespace("real-life");
      List<String> pods = new ArrayList<>(List.of("steady", "restarts"));
      createPods(pods);
      Map<String, List<ContainerView.CgroupMount>> before = new LinkedHashMap<>();
      for (String pod : pods) {
        before.put(pod, RealPods.cgroupMounts(kubectl, namespace, pod));
      }
      ok(kubectl.runWithInput(isolationYaml(), "apply", "-n", namespace, "-f", "-"));
      awaitIsolated(pods);

      theKubeletRestartsAContainer("restarts", before);
      aPodIsDeletedAsItIsBeingIsolated(pods);
      theAgentPodIsDeletedAndComesBack(pods);
      containerdRestarts(pods, before);

      ok(kubectl.run("delete", "-n", namespace, "cgroupisolation/" + ISOLATION, "--wait=true"));
      settle(
          "every pod's own mounts back",
          () ->
              pods.stream()
                  .allMatch(
                      p ->
                          StatusViews.mounts(RealPods.cgroupMounts(kubectl, namespace, p))
                              .equals(StatusViews.mounts(before.get(p)))));
      settle("no revert record left", () -> revertRecords().isEmpty());
      settle(
          "a Reverted Event on each of " + pods,
          () -> pods.stream().allMatch(p -> eventReasons(p).contains("Reverted")));
      ok(kubectl.run("delete", "namespace", namespace, "--wait=true"));
    } finally {
      overlay.close();
    }
    assertThat(overlay.node.leftovers()).isEmpty();
    assertThat(overlay.agentStateAsFound()).isTrue();
  }

  /** The container's process is killed; the kubelet starts a new one, with a new ID. */
  private void theKubeletRestartsAContainer(
      String pod, Map<String, List<ContainerView.CgroupMount>> before) {
    String first = RealPods.containerId(pod(pod)).orElseThrow();
    String firstCgroup = RealPods.ownCgroup(pod(pod));
    overlay.node.ctr("tasks", "kill", "--signal", "SIGKILL", first);
    settle(
        "a new container of " + pod,
        () -> {
          Pod now = pod(pod);
          return RealPods.restarts(now) >= 1
              && RealPods.ready(admin, namespace, pod)
              && !RealPods.containerId(now).orElse(first).equals(first);
        });
    String second = RealPods.containerId(pod(pod)).orElseThrow();
    settle(
        "the status isolating " + pod + "'s new container",
        () ->
            result(pod)
                .map(r -> ("containerd://" + second).equals(r.containerID) && isolated(r))
                .orElse(false));
    assertSeesOnlyItsOwnReadOnly(pod);
    // What the new container had, before its isolation: what the first had, at its own cgroup.
    before.put(pod, asIfOf(before.get(pod), firstCgroup, pod));
    System.out.println("restarted container " + second + " isolated again");
  }

  /**
   * A pod deleted the moment its container runs: the isolation settles on the others, and no revert
   * record of the gone container stays behind.
   */
  private void aPodIsDeletedAsItIsBeingIsolated(List<String> pods) {
    String fleeting = "fleeting";
    ok(kubectl.runWithInput(podYaml(fleeting), "apply", "-n", namespace, "-f", "-"));
    settle(
        "a container for " + fleeting,
        () -> {
          Pod now = admin.pods().inNamespace(namespace).withName(fleeting).get();
          return now != null && RealPods.containerId(now).isPresent();
        });
    ok(kubectl.run("delete", "-n", namespace, "pod/" + fleeting, "--wait=true"));
    awaitIsolated(pods);
    settle("no record of a gone process", () -> revertRecords().stream().allMatch(this::alive));
    assertThat(result(fleeting)).as("status entry of the deleted pod").isEmpty();
  }

  /**
   * The DaemonSet brings a new agent pod, which reports on the same containers from their revert
   * records and the kernel, and changes nothing: every cgroup mount keeps its mount ID.
   */
  private void theAgentPodIsDeletedAndComesBack(List<String> pods) {
    Map<String, List<String>> mounts = mountLines(pods);
    Pod old = overlay.agentPod();
    ok(
        kubectl.run(
            "delete",
            "-n",
            LocalOverlay.SYSTEM,
            "pod/" + old.getMetadata().getName(),
            "--wait=true"));
    settle(
        "a new agent pod Ready",
        () ->
            overlay.pods(LocalOverlay.AGENT).stream()
                    .anyMatch(p -> !p.getMetadata().getUid().equals(old.getMetadata().getUid()))
                && overlay.agentReady() == 1);
    String agent = overlay.agentPod().getMetadata().getName();
    settle(
        "the new agent reporting",
        () ->
            nodeObjects().stream()
                .allMatch(o -> o.getStatus() != null && agent.equals(o.getStatus().agent)));
    awaitIsolated(pods);
    assertThat(mountLines(pods)).as("cgroup mounts after the agent came back").isEqualTo(mounts);
  }

  /**
   * containerd stops and starts, as an upgrade does: the pods and the agent keep running, nothing
   * is remounted, and a pod created afterwards is isolated too.
   */
  private void containerdRestarts(
      List<String> pods, Map<String, List<ContainerView.CgroupMount>> before) {
    Map<String, List<String>> mounts = mountLines(pods);
    String agentUid = overlay.agentPod().getMetadata().getUid();
    overlay.node.restartContainerd();
    String late = "after-restart";
    ok(kubectl.runWithInput(podYaml(late), "apply", "-n", namespace, "-f", "-"));
    settle("pod " + late + " Ready", () -> RealPods.ready(admin, namespace, late));
    List<String> withLate = new ArrayList<>(pods);
    withLate.add(late);
    awaitIsolated(withLate);
    assertThat(overlay.agentPod().getMetadata().getUid()).as("the agent pod").isEqualTo(agentUid);
    assertThat(mountLines(pods)).as("cgroup mounts after containerd restarted").isEqualTo(mounts);
    // Isolated before it could be read: what it had is what the other privileged pod had, at its
    // own cgroup.
    before.put(late, asIfOf(before.get("steady"), RealPods.ownCgroup(pod("steady")), late));
    pods.add(late);
  }

  /**
   * {@code mounts} of a privileged pod, all rooted at its {@code own} cgroup, moved to {@code pod}.
   */
  private List<ContainerView.CgroupMount> asIfOf(
      List<ContainerView.CgroupMount> mounts, String own, String pod) {
    assertThat(mounts).allSatisfy(m -> assertThat(m.root()).isEqualTo(own));
    String root = RealPods.ownCgroup(pod(pod));
    return mounts.stream()
        .map(m -> new ContainerView.CgroupMount(m.mountPoint(), root, m.type(), m.access()))
        .toList();
  }

  private void createPods(List<String> pods) {
    StringBuilder yaml = new StringBuilder();
    for (String pod : pods) {
      yaml.append(podYaml(pod));
    }
    ok(kubectl.runWithInput(yaml.toString(), "apply", "-n", namespace, "-f", "-"));
    settle("pods Ready", () -> pods.stream().allMatch(p -> RealPods.ready(admin, namespace, p)));
  }

  /** Privileged: the kind whose cgroupfs mounts an isolation changes (read-write, by runc). */
  private String podYaml(String name) {
    return BusyboxPodYaml.render(
        name, overlay.node.name(), LABELS, List.of("/bin/sleep", "3600"), true, false);
  }

  /** Ready for the current generation, every listed pod's container isolated, with its Event. */
  private void awaitIsolated(List<String> pods) {
    settle(
        "isolation Ready over " + pods,
        () -> {
          CgroupIsolation isolation = isolation();
          return RealPods.isolationReady(admin, namespace, ISOLATION)
              && isolation.getStatus().matched == pods.size()
              && isolation.getStatus().isolated == pods.size()
              && pods.stream().allMatch(p -> result(p).map(this::isolated).orElse(false));
        });
    for (String pod : pods) {
      assertSeesOnlyItsOwnReadOnly(pod);
    }
    // The Events follow the status. (runc gives an unprivileged container read-only cgroupfs
    // mounts at its own cgroup already: nothing changes, so no Event; these pods are privileged.)
    settle(
        "an Isolated Event on each of " + pods,
        () -> pods.stream().allMatch(p -> eventReasons(p).contains("Isolated")));
    assertThat(warnings()).as("Warning Events in %s", namespace).isEmpty();
  }

  private void assertSeesOnlyItsOwnReadOnly(String pod) {
    String own = RealPods.ownCgroup(pod(pod));
    assertThat(RealPods.cgroupMounts(kubectl, namespace, pod))
        .as("cgroup mounts inside %s", pod)
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.root()).isEqualTo(own);
              assertThat(m.access()).isEqualTo("ro");
            });
  }

  private boolean isolated(ContainerResult result) {
    return result.phase == ContainerPhase.Isolated;
  }

  private Map<String, List<String>> mountLines(List<String> pods) {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    pods.forEach(p -> lines.put(p, RealPods.cgroupMountLines(kubectl, namespace, p)));
    return lines;
  }

  private Pod pod(String name) {
    return admin.pods().inNamespace(namespace).withName(name).get();
  }

  private CgroupIsolation isolation() {
    return admin.resources(CgroupIsolation.class).inNamespace(namespace).withName(ISOLATION).get();
  }

  private List<CgroupIsolationNode> nodeObjects() {
    return admin.resources(CgroupIsolationNode.class).inNamespace(namespace).list().getItems();
  }

  /** The node objects' entry for the pod's container, if any. */
  private java.util.Optional<ContainerResult> result(String pod) {
    return RealPods.result(admin, namespace, pod);
  }

  private List<String> eventReasons(String pod) {
    return events().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private List<String> warnings() {
    return events().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .filter(
            e -> e.getSource() != null && LocalOverlay.AGENT.equals(e.getSource().getComponent()))
        .map(e -> e.getInvolvedObject().getName() + ": " + e.getReason() + ": " + e.getMessage())
        .toList();
  }

  private List<Event> events() {
    return admin.v1().events().inNamespace(namespace).list().getItems();
  }

  /** The agent's revert records on the host ({@code <pid>-<start time>.json}). */
  private List<Path> revertRecords() {
    if (!Files.isDirectory(LocalOverlay.AGENT_STATE)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(LocalOverlay.AGENT_STATE)) {
      return files.filter(f -> f.getFileName().toString().matches("[0-9]+-[0-9]+\\.json")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether the process a record names still runs (same PID, same start time). */
  private boolean alive(Path record) {
    String[] parts = record.getFileName().toString().replace(".json", "").split("-");
    Path stat = Path.of("/proc", parts[0], "stat");
    try {
      String line = Files.readString(stat);
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return fields[19].equals(parts[1]);
    } catch (IOException e) {
      return false;
    }
  }

  private void settle(String what, Callable<Boolean> condition) {
    try {
      Awaitility.await()
          .alias(what)
          .atMost(SETTLES_WITHIN)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(overlay.diagnostics(namespace, ISOLATION), e);
    }
  }

  private static String isolationYaml() {
    return """
        apiVersion: cgroupns.dev/v1alpha1
        kind: CgroupIsolation
        metadata:
          name: %s
        spec:
          podSelector:
            matchLabels:
              app: life
        """
        .formatted(ISOLATION);
  }
}
