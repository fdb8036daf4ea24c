package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The node's word on new containers, on a real node: containerd and runc make the cgroups, the
 * shims hold the bundles, and what the agent learns from them is what the pod status says later.
 */
class NodeArrivalsRealNodeTest {
  private static final List<String> PODS = List.of("first", "second", "privileged");

  @Test
  void everyContainerOfANewPodArrivesNamedWithTheIdThePodStatusGivesLater() {
    RealNode node = TestNodes.start();
    AtomicInteger passes = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NodeArrivals arrivals =
        NodeArrivals.open(
                Path.of("/sys/fs/cgroup"),
                ProcFs.host(),
                passes::incrementAndGet,
                registry,
                Clock.systemUTC())
            .orElseThrow(() -> new AssertionError("no kubelet cgroups under /sys/fs/cgroup"));
    arrivals.start();
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("arrivals");
      StringBuilder yaml = new StringBuilder();
      for (String name : PODS) {
        yaml.append(
            BusyboxPodYaml.render(
                name,
                node.name(),
                Map.of(),
                List.of("/bin/sleep", "3600"),
                name.equals("privileged"),
                false));
      }
      Kubectl.Result apply =
          kubectl.runWithInput(yaml.toString(), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();

      for (String name : PODS) {
        Awaitility.await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> runningId(plane, namespace, name) != null);
        Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
        String uid = pod.getMetadata().getUid();
        String statusId = runningId(plane, namespace, name);
        try {
          Awaitility.await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> arrivals.lookup().running(uid, "main").isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          StringBuilder meters = new StringBuilder("no arrival for " + name + "; outcomes:");
          for (String o :
              List.of("recorded", "sandbox", "unnamed", "gone", "gave_up", "overflow")) {
            meters.append(' ').append(o).append('=').append(count(registry, o));
          }
          throw new AssertionError(meters.toString(), e);
        }
        ContainerArrivals.Arrival arrival = arrivals.lookup().running(uid, "main").get();
        assertThat(arrival.statusContainerId()).as(name).isEqualTo(statusId);
        assertThat(arrival.podUid()).isEqualTo(uid);
      }
      assertThat(count(registry, "recorded")).isEqualTo(PODS.size());
      assertThat(count(registry, "sandbox")).as("pause containers").isEqualTo(PODS.size());
      assertThat(passes.get()).isEqualTo(PODS.size());
      kubectl.run("delete", "namespace", namespace, "--wait=true");
    } finally {
      arrivals.close();
      node.close();
    }
  }

  private static double count(SimpleMeterRegistry registry, String outcome) {
    return registry.get("cgroupns.agent.arrivals").tag("outcome", outcome).counter().count();
  }

  private static String runningId(LocalControlPlane plane, String namespace, String name) {
    Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
    if (pod == null
        || pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()
        || pod.getStatus().getContainerStatuses().get(0).getState().getRunning() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().get(0).getContainerID();
  }
}
