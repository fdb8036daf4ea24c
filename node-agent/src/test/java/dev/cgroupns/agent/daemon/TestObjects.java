package dev.cgroupns.agent.daemon;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.testbed.runc.DemoContainer;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Pods and node objects as the kubelet and the operator would write them. */
final class TestObjects {
  static final String NODE = "node-a";

  private TestObjects() {}

  static String containerId() {
    String hex = UUID.randomUUID().toString().replace("-", "");
    return hex + hex; // 64 hex digits
  }

  static String uid() {
    return UUID.randomUUID().toString();
  }

  /**
   * Creates a running pod with one container, started by {@code start} in the cgroup of the pod's
   * UID, as kubelet places a pod's containers. The API server picks the UID, so the container is
   * started after the pod is created, and the pod's status then names it.
   */
  static PodWithContainer createRunningPod(
      io.fabric8.kubernetes.client.KubernetesClient client,
      String namespace,
      String name,
      String node,
      java.util.function.Function<String, DemoContainer> start) {
    Pod pod = client.resource(runningPod(namespace, name, node, containerId())).create();
    DemoContainer container = start.apply(pod.getMetadata().getUid());
    pod.getStatus().setContainerStatuses(List.of(runningStatus("c0", container.containerId())));
    return new PodWithContainer(client.resource(pod).updateStatus(), container);
  }

  /** A pod and the real container behind it. */
  record PodWithContainer(Pod pod, DemoContainer container) {}

  /** A running pod on {@code node} whose containers have the given IDs (in order c0, c1, ...). */
  static Pod runningPod(String namespace, String name, String node, String... containerIds) {
    List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>();
    List<ContainerStatus> statuses = new ArrayList<>();
    for (int i = 0; i < containerIds.length; i++) {
      String container = "c" + i;
      containers.add(
          new io.fabric8.kubernetes.api.model.ContainerBuilder()
              .withName(container)
              .withImage("busybox")
              .build());
      statuses.add(runningStatus(container, containerIds[i]));
    }
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid())
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withContainers(containers)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  static ContainerStatus runningStatus(String container, String containerId) {
    return new ContainerStatusBuilder()
        .withName(container)
        .withContainerID("containerd://" + containerId)
        .withReady(true)
        .withNewState()
        .withNewRunning()
        .withStartedAt("2026-11-29T06:00:00Z")
        .endRunning()
        .endState()
        .build();
  }

  static ContainerStatus waitingStatus(String container) {
    return new ContainerStatusBuilder()
        .withName(container)
        .withNewState()
        .withNewWaiting()
        .withReason("ContainerCreating")
        .endWaiting()
        .endState()
        .build();
  }

  static Pod withAnnotations(Pod pod, Map<String, String> annotations) {
    pod.getMetadata().setAnnotations(annotations);
    return pod;
  }

  /** A node object as the operator writes it: Apply, Enforce, read-only, for {@code pods}. */
  static CgroupIsolationNode nodeObject(String namespace, String name, String node, Pod... pods) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.getMetadata().setNamespace(namespace);
    object.getMetadata().setName(name);
    object.getMetadata().setLabels(Map.of(ApiGroup.NODE_LABEL, LabelValues.ofName(node)));
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = node;
    spec.isolationName = name;
    spec.pods =
        new ArrayList<>(
            Arrays.stream(pods)
                .map(p -> new PodTarget(p.getMetadata().getName(), p.getMetadata().getUid()))
                .toList());
    object.setSpec(spec);
    return object;
  }
}
