package dev.cgroupns.sandbox.demo;

import dev.cgroupns.sandbox.runc.DemoContainer;
import dev.cgroupns.sandbox.runc.RuncRuntime;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Demo pods: a Pod object per runc container, with what kubelet would report for it (node name, UID
 * matching the container's cgroup, containerStatuses with {@code containerd://<id>}, phase
 * Running), labelled {@code app=demo} as the sample CgroupIsolation selects.
 */
public final class DemoPods {

  public static final String NAMESPACE = "default";
  public static final String CONTAINER_NAME = "app";
  public static final Map<String, String> LABELS = Map.of("app", "demo");

  private final KubernetesClient client;
  private final RuncRuntime runtime;
  private final String nodeName;

  public DemoPods(KubernetesClient client, RuncRuntime runtime, String nodeName) {
    this.client = client;
    this.runtime = runtime;
    this.nodeName = nodeName;
  }

  /** The Node object the pods run on, Ready, as kubelet would register it. */
  public Node registerNode() {
    String now = now();
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .addToLabels("kubernetes.io/hostname", nodeName)
            .addToLabels("kubernetes.io/os", "linux")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("the sandbox runs this node's containers with runc")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .endStatus()
            .build();
    return client.nodes().resource(node).createOr(r -> r.update());
  }

  /**
   * Creates {@code count} pods demo-0..demo-N-1 and their containers.
   *
   * @param started called with each container as soon as it runs, so the caller can clean it up
   *     even if a later one fails
   */
  public List<DemoContainer> start(int count, Consumer<DemoContainer> started) {
    List<DemoContainer> containers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "demo-" + i;
      Pod created = client.pods().inNamespace(NAMESPACE).resource(podObject(name)).create();
      String uid = created.getMetadata().getUid();
      DemoContainer container = runtime.start(name + "-" + CONTAINER_NAME, uid);
      started.accept(container);
      containers.add(container);
      client
          .pods()
          .inNamespace(NAMESPACE)
          .resource(withRunningStatus(created, container))
          .updateStatus();
    }
    return containers;
  }

  /** Deletes the demo Pod objects (the containers are the runtime's to delete). */
  public void deletePods(int count) {
    for (int i = 0; i < count; i++) {
      client.pods().inNamespace(NAMESPACE).withName("demo-" + i).delete();
    }
  }

  private Pod podObject(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        .addNewContainer()
        .withName(CONTAINER_NAME)
        .withImage("busybox:1.36")
        .withCommand("sleep", "2147483647")
        // Privileged, as the runc container is: it sees the host's whole cgroupfs.
        .withNewSecurityContext()
        .withPrivileged(true)
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .build();
  }

  private Pod withRunningStatus(Pod pod, DemoContainer container) {
    String now = now();
    return new PodBuilder(pod)
        .withNewStatus()
        .withPhase("Running")
        .withQosClass("BestEffort")
        .withHostIP("127.0.0.1")
        .withStartTime(now)
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime(now)
                .build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(CONTAINER_NAME)
                .withContainerID("containerd://" + container.containerId())
                .withImage("docker.io/library/busybox:1.36")
                .withImageID("")
                .withReady(true)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning(now)
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
