package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.BusyboxImage;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * On a real node (containerd 2.2 and runc against the local control plane), the agent's plugin on
 * containerd's NRI socket isolates selected containers as they are created: their first instruction
 * already reads ":/" for every hierarchy, their cgroupfs is rooted at their own cgroup and
 * read-only, for a plain, a privileged and an included hostPath pod alike, while an unselected pod
 * is created as the runtime makes it.
 */
class AtCreationRealNodeTest {
  /** Pods that a node object selects, and one that none does. */
  private static final List<String> SELECTED = List.of("plain", "privileged", "host-cgroupfs");

  private static final String UNSELECTED = "unselected";

  /** More selected pods, only so the round trip is measured over more than a handful. */
  private static final int EXTRA = 16;

  @Test
  void selectedContainersAreBornIsolatedAndOthersAreLeftAlone() {
    RealNode node = TestNodes.start();
    List<CgroupIsolationNode> objects = new CopyOnWriteArrayList<>();
    AtCreationLedger ledger = new AtCreationLedger();
    List<Duration> answers = Collections.synchronizedList(new ArrayList<>());
    Map<Kind, Integer> kinds = new ConcurrentHashMap<>();
    IsolationPlugin plugin =
        new IsolationPlugin(
            new CreationDecision(node.name(), new Protection(null, null)),
            () -> objects,
            ledger,
            (kind, took) -> {
              answers.add(took);
              kinds.merge(kind, 1, Integer::sum);
            });
    List<Boolean> states = new CopyOnWriteArrayList<>();
    NriPluginRunner runner =
        new NriPluginRunner(
            node.layout().nriSocket(), "10", plugin, (connected, why) -> states.add(connected));
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("at-creation");
      objects.add(object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip));
      objects.add(object(namespace, "host-readers", node.name(), "h", HostCgroupfsPolicy.Include));
      runner.start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(runner::connected);

      Kubectl.Result apply =
          kubectl.runWithInput(podsYaml(node.name()), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      List<String> all = new ArrayList<>(SELECTED);
      all.add(UNSELECTED);
      for (int i = 0; i < EXTRA; i++) {
        all.add("extra-" + i);
      }
      Awaitility.await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> all.stream().allMatch(p -> ready(plane, namespace, p)));

      for (String name : SELECTED) {
        // The first instruction's output: no window in which it saw its host path.
        String firstRead = logs(kubectl, namespace, name);
        assertThat(firstRead.lines().toList())
            .as(name)
            .isNotEmpty()
            .allMatch(l -> l.endsWith(":/"));
        String[] mountPoints =
            name.equals("host-cgroupfs")
                ? new String[] {"/sys/fs/cgroup", "/host/sys/fs/cgroup"}
                : new String[] {"/sys/fs/cgroup"};
        List<MountInfoEntry> cgroupMounts = cgroupMounts(kubectl, namespace, name);
        for (String mountPoint : mountPoints) {
          List<MountInfoEntry> under =
              cgroupMounts.stream()
                  .filter(m -> m.mountPoint().startsWith(mountPoint + "/"))
                  .toList();
          assertThat(under).as(name + " " + mountPoint).isNotEmpty();
          assertThat(under).as(name).allMatch(m -> m.root().equals("/"), "rooted at /");
          assertThat(under).as(name).allMatch(MountInfoEntry::readOnly, "read-only");
          Kubectl.Result write =
              kubectl.run(
                  "exec", "-n=" + namespace, name, "--", "mkdir", mountPoint + "/memory/probe");
          assertThat(write.ok()).as(name + " writes " + mountPoint).isFalse();
          assertThat(write.err()).contains("Read-only file system");
        }
        String containerId = containerId(plane, namespace, name);
        assertThat(ledger.find(containerId)).as(name).isPresent();
      }

      Pod unselected = plane.adminClient().pods().inNamespace(namespace).withName(UNSELECTED).get();
      assertThat(logs(kubectl, namespace, UNSELECTED))
          .contains("pod" + unselected.getMetadata().getUid());
      assertThat(ledger.find(containerId(plane, namespace, UNSELECTED))).isEmpty();
      assertThat(kinds.get(Kind.ADJUST)).isEqualTo(SELECTED.size() + EXTRA);

      print(answers);
      Kubectl.Result delete =
          kubectl.run("delete", "pods", "--all", "-n", namespace, "--wait=true");
      assertThat(delete.ok()).as(delete.toString()).isTrue();
    } finally {
      runner.close();
      node.close();
    }
    assertThat(states).startsWith(true);
  }

  private static void print(List<Duration> answers) {
    List<Long> micros = answers.stream().map(d -> d.toNanos() / 1000).sorted().toList();
    System.out.printf(
        "CreateContainer answered by the plugin (from request decoded to answer), %d containers:"
            + " p50 %d us, p99 %d us, max %d us%n",
        micros.size(),
        micros.get(micros.size() / 2),
        micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * 0.99) - 1)),
        micros.get(micros.size() - 1));
  }

  private static CgroupIsolationNode object(
      String namespace, String name, String node, String app, HostCgroupfsPolicy hostCgroupfs) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = node;
    spec.isolationName = name;
    spec.podSelector = new PodSelector(Map.of("app", app), null);
    spec.hostCgroupfsPods = hostCgroupfs;
    object.setSpec(spec);
    return object;
  }

  private static List<MountInfoEntry> cgroupMounts(Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result result =
        kubectl.run("exec", "-n=" + namespace, pod, "--", "cat", "/proc/self/mountinfo");
    assertThat(result.ok()).as(result.toString()).isTrue();
    return MountInfoParser.parse(result.out()).cgroupMounts();
  }

  private static String logs(Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result result = kubectl.run("logs", "-n=" + namespace, pod);
    assertThat(result.ok()).as(result.toString()).isTrue();
    return result.out();
  }

  private static String containerId(LocalControlPlane plane, String namespace, String name) {
    Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
    return pod.getStatus()
        .getContainerStatuses()
        .get(0)
        .getContainerID()
        .replace("containerd://", "");
  }

  private static boolean ready(LocalControlPlane plane, String namespace, String name) {
    Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
    return pod != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static String podsYaml(String nodeName) {
    StringBuilder yaml = new StringBuilder();
    for (String name : SELECTED) {
      yaml.append(pod(name, nodeName, name.equals("host-cgroupfs") ? "h" : "x", name));
    }
    yaml.append(pod(UNSELECTED, nodeName, null, UNSELECTED));
    for (int i = 0; i < EXTRA; i++) {
      yaml.append(pod("extra-" + i, nodeName, "x", "plain"));
    }
    return yaml.toString();
  }

  private static String pod(String name, String nodeName, String app, String kind) {
    String labels = app == null ? "{}" : "{app: " + app + "}";
    String yaml =
        """
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          labels: %s
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          automountServiceAccountToken: false
          containers:
          - name: main
            image: %s
            imagePullPolicy: Never
            command: ["/bin/sh", "-c", "cat /proc/self/cgroup; exec sleep 3600"]
            securityContext:
              privileged: %s
        """
            .formatted(name, labels, nodeName, BusyboxImage.REFERENCE, kind.equals("privileged"));
    if (kind.equals("host-cgroupfs")) {
      yaml +=
          """
              volumeMounts:
              - name: cgroupfs
                mountPath: /host/sys/fs/cgroup
                readOnly: true
            volumes:
            - name: cgroupfs
              hostPath:
                path: /sys/fs/cgroup
                type: Directory
          """;
    }
    return yaml;
  }
}
