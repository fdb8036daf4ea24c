package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A real node runs real pods: containerd and the kubelet start against the local control plane,
 * three busybox pods (plain, privileged, and one with the host's /sys/fs/cgroup by hostPath) reach
 * Ready, {@code kubectl exec} shows what real containers see of their cgroups, and after the node
 * stops nothing of it is left on the host.
 */
class RealNodeTest {

  private static final List<String> PODS = List.of("plain", "privileged", "host-cgroupfs");

  @Test
  void runsRealPodsAndLeavesNothingBehind() {
    RealNode node = TestNodes.start();
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("real-node");

      Instant applied = Instant.now();
      Kubectl.Result apply =
          kubectl.runWithInput(podsYaml(node.name()), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> PODS.stream().allMatch(p -> ready(plane, namespace, p)));
      System.out.println(
          "3 pods Ready "
              + Duration.between(applied, Instant.now()).toMillis()
              + " ms after kubectl apply");

      for (String name : PODS) {
        Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
        String uid = pod.getMetadata().getUid();
        String containerId =
            pod.getStatus()
                .getContainerStatuses()
                .get(0)
                .getContainerID()
                .replace("containerd://", "");
        String ownCgroup = "/kubepods/besteffort/pod" + uid + "/" + containerId;

        String cgroup = exec(kubectl, namespace, name, "cat", "/proc/self/cgroup");
        // No cgroup namespace on v1: the host path, with the pod's UID and the container's ID.
        assertThat(cgroup.lines()).anyMatch(l -> l.matches("\\d+:memory:" + ownCgroup));

        List<MountLine> cgroupMounts =
            exec(kubectl, namespace, name, "cat", "/proc/self/mountinfo")
                .lines()
                .map(MountLine::parse)
                .filter(m -> m.fsType().equals("cgroup") || m.fsType().equals("cgroup2"))
                .toList();
        MountLine memory =
            cgroupMounts.stream()
                .filter(m -> m.mountPoint().equals("/sys/fs/cgroup/memory"))
                .findFirst()
                .orElseThrow();
        // runc binds each hierarchy rooted at the container's own cgroup.
        assertThat(memory.root()).isEqualTo(ownCgroup);
        assertThat(memory.readOnly()).isEqualTo(!name.equals("privileged"));
        if (name.equals("host-cgroupfs")) {
          // The classic exposure: the whole host hierarchy, every pod's cgroup in view.
          assertThat(cgroupMounts)
              .anyMatch(
                  m -> m.mountPoint().equals("/host/sys/fs/cgroup/memory") && m.root().equals("/"));
          assertThat(
                  exec(
                      kubectl,
                      namespace,
                      name,
                      "ls",
                      "/host/sys/fs/cgroup/memory/kubepods/besteffort"))
              .contains("pod" + uid);
        }
      }

      Kubectl.Result delete =
          kubectl.run("delete", "pods", "--all", "-n", namespace, "--wait=true");
      assertThat(delete.ok()).as(delete.toString()).isTrue();
    } finally {
      node.close();
    }
    assertThat(node.leftovers()).isEmpty();
  }

  @Test
  void closeRemovesEverythingAfterTheKubeletAndContainerdDied() {
    RealNode node = TestNodes.start();
    try {
      runOnePod(node);
      // The cleanup finds the pod's shims by their command line: it must see them.
      assertThat(NodeProcesses.of(node.layout().dir())).anyMatch(NodeProcesses.Found::isShim);
      // A crash: the shims and the pod's containers stay, with nobody to stop them.
      node.pids()
          .values()
          .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    } finally {
      node.close();
    }
    assertThat(node.leftovers()).isEmpty();
  }

  @Test
  void theNextStartCleansUpAfterANodeWhoseJvmDied() throws Exception {
    RealNode node = TestNodes.start();
    try {
      runOnePod(node);
      // As if the JVM that owns the node had been killed: its owner record names a dead process.
      Files.writeString(node.layout().dir().resolve("owner"), "999999999 1");

      RealNode.sweep(
          Path.of(System.getProperty("java.io.tmpdir")),
          CgroupHierarchies.mounted(),
          System.out::println);

      assertThat(node.leftovers()).isEmpty();
    } finally {
      node.close();
    }
  }

  /** One plain pod on the node, Ready. */
  private static void runOnePod(RealNode node) {
    LocalControlPlane plane = TestClusters.controlPlane();
    String namespace = plane.newNamespace("real-node");
    String pod = podsYaml(node.name()).split("(?m)^---$")[1];
    Kubectl.Result apply =
        Kubectl.admin(plane).runWithInput(pod, "apply", "-n", namespace, "-f", "-");
    assertThat(apply.ok()).as(apply.toString()).isTrue();
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ready(plane, namespace, PODS.get(0)));
  }

  private static boolean ready(LocalControlPlane plane, String namespace, String name) {
    Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
    return pod != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static String exec(Kubectl kubectl, String namespace, String pod, String... command) {
    String[] args = new String[4 + command.length];
    args[0] = "exec";
    args[1] = "-n=" + namespace;
    args[2] = pod;
    args[3] = "--";
    System.arraycopy(command, 0, args, 4, command.length);
    Kubectl.Result result = kubectl.run(args);
    assertThat(result.ok()).as(result.toString()).isTrue();
    return result.out();
  }

  private static String podsYaml(String nodeName) {
    StringBuilder yaml = new StringBuilder();
    for (String name : PODS) {
      yaml.append(
          BusyboxPodYaml.render(
              name,
              nodeName,
              Map.of(),
              List.of("/bin/sleep", "3600"),
              name.equals("privileged"),
              name.equals("host-cgroupfs")));
    }
    return yaml.toString();
  }

  /** The fields of one mountinfo line that these checks need. */
  record MountLine(String root, String mountPoint, String options, String fsType) {
    static MountLine parse(String line) {
      String[] fields = line.split(" ");
      String[] tail = line.substring(line.indexOf(" - ") + 3).split(" ");
      return new MountLine(fields[3], fields[4], fields[5], tail[0]);
    }

    boolean readOnly() {
      return List.of(options.split(",")).contains("ro");
    }
  }
}
